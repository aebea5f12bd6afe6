using Cpworker.Engine.Packets;
using System.Buffers.Binary;

namespace Cpworker.Outputs.Vxlan;

/// <summary>
/// <c>split</c> (docs/wire-formats.md, "VXLAN split"): finds the L4 payload of a TCP or UDP frame over IPv4 or IPv6 and builds
/// the inner frame of each chunk. Pure functions; the encoder wraps each chunk in its own datagram.
/// </summary>
/// <remarks>
/// Parsed: Ethernet, the VLAN tag stack (0x8100, 0x88A8, 0x9100, 0x9200), IPv4 (validated IHL and
/// total length), IPv6 with Hop-by-Hop, Routing and Destination-options headers skipped, TCP (data
/// offset) or UDP. IP fragments, other protocols and anything that does not parse are sent whole.
/// </remarks>
internal static class VxlanSplit
{
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const byte NextHopByHop = 0;
    private const byte NextRouting = 43;
    private const byte NextDestinationOptions = 60;

    /// <summary>True when the frame is a TCP or UDP packet that <c>split</c> can cut; its layout in <paramref name="layout"/>.</summary>
    public static bool TryParse(ReadOnlySpan<byte> frame, out SplitLayout layout)
    {
        layout = default;
        int l3 = EthernetHeader.L2Length(frame, out ushort etherType);
        if (l3 < 0)
        {
            return false;
        }

        int l4;
        int ipEnd;
        byte protocol;
        bool ipv6;
        if (etherType == EtherTypeIpv4)
        {
            if (frame.Length < l3 + 20 || frame[l3] >> 4 != 4)
            {
                return false;
            }

            int ihl = (frame[l3] & 0x0F) * 4;
            int totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 2)..]);
            ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 6)..]);
            if (ihl < 20 || totalLength < ihl || frame.Length < l3 + ihl || (fragment & 0x3FFF) != 0)
            {
                return false; // bad header, or a fragment (MF set or non-zero offset)
            }

            protocol = frame[l3 + 9];
            l4 = l3 + ihl;
            ipEnd = l3 + totalLength;
            ipv6 = false;
        }
        else if (etherType == EtherTypeIpv6)
        {
            if (frame.Length < l3 + 40 || frame[l3] >> 4 != 6)
            {
                return false;
            }

            int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + 4)..]);
            if (payloadLength == 0)
            {
                return false; // a jumbogram or nothing: not ours to cut
            }

            ipEnd = l3 + 40 + payloadLength;
            protocol = frame[l3 + 6];
            l4 = l3 + 40;
            while (protocol is NextHopByHop or NextRouting or NextDestinationOptions)
            {
                if (l4 + 2 > Math.Min(frame.Length, ipEnd))
                {
                    return false;
                }

                protocol = frame[l4];
                l4 += (frame[l4 + 1] + 1) * 8;
            }

            ipv6 = true;
        }
        else
        {
            return false;
        }

        ipEnd = Math.Min(ipEnd, frame.Length); // a truncated capture: cut what was captured
        int payloadOffset;
        if (protocol == SplitLayout.Tcp)
        {
            if (l4 + 20 > ipEnd)
            {
                return false;
            }

            int dataOffset = (frame[l4 + 12] >> 4) * 4;
            if (dataOffset < 20)
            {
                return false;
            }

            payloadOffset = l4 + dataOffset;
        }
        else if (protocol == SplitLayout.Udp)
        {
            payloadOffset = l4 + 8;
        }
        else
        {
            return false;
        }

        if (payloadOffset > ipEnd)
        {
            return false;
        }

        layout = new SplitLayout(l3, ipv6, protocol, l4, payloadOffset, ipEnd - payloadOffset);
        return true;
    }

    /// <summary>Number of chunks of <paramref name="chunkSize"/> the payload is cut into.</summary>
    public static int ChunkCount(in SplitLayout layout, int chunkSize) => (layout.PayloadLength + chunkSize - 1) / chunkSize;

    /// <summary>
    /// Writes the inner frame of the chunk of <paramref name="length"/> payload bytes at
    /// <paramref name="offset"/>: every original header with the IP and UDP lengths set for the
    /// chunk and the TCP sequence number advanced by <paramref name="offset"/>; with
    /// <paramref name="recalculateChecksums"/> the IPv4 header and TCP/UDP checksums are recomputed.
    /// Returns the inner frame's length.
    /// </summary>
    public static int WriteChunk(
        Span<byte> destination, ReadOnlySpan<byte> frame, in SplitLayout layout, int offset, int length, bool recalculateChecksums)
    {
        int headers = layout.PayloadOffset;
        int total = headers + length;
        Span<byte> d = destination[..total];
        frame[..headers].CopyTo(d);
        frame.Slice(layout.PayloadOffset + offset, length).CopyTo(d[headers..]);

        int l3 = layout.L3Offset;
        int l4 = layout.L4Offset;
        int l4Length = total - l4;
        if (layout.IsIpv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(d[(l3 + 4)..], (ushort)(total - l3 - 40));
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(d[(l3 + 2)..], (ushort)(total - l3));
        }

        if (layout.Protocol == SplitLayout.Udp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(d[(l4 + 4)..], (ushort)l4Length);
        }
        else
        {
            uint seq = BinaryPrimitives.ReadUInt32BigEndian(d[(l4 + 4)..]);
            BinaryPrimitives.WriteUInt32BigEndian(d[(l4 + 4)..], unchecked(seq + (uint)offset));
        }

        if (recalculateChecksums)
        {
            RecalculateChecksums(d, layout, l4Length);
        }

        return total;
    }

    private static void RecalculateChecksums(Span<byte> d, in SplitLayout layout, int l4Length)
    {
        int l3 = layout.L3Offset;
        int l4 = layout.L4Offset;
        ulong sum;
        if (layout.IsIpv6)
        {
            sum = InternetChecksum.Add(0, d.Slice(l3 + 8, 32)); // source and destination addresses
        }
        else
        {
            int ihl = layout.L4Offset - l3;
            d[(l3 + 10)..(l3 + 12)].Clear();
            BinaryPrimitives.WriteUInt16BigEndian(d[(l3 + 10)..], InternetChecksum.Finish(InternetChecksum.Add(0, d.Slice(l3, ihl))));
            sum = InternetChecksum.Add(0, d.Slice(l3 + 12, 8));
        }

        sum += layout.Protocol;
        sum += (uint)l4Length;
        int checksumAt = l4 + (layout.Protocol == SplitLayout.Udp ? 6 : 16);
        d[checksumAt..(checksumAt + 2)].Clear();
        ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(sum, d.Slice(l4, l4Length)));
        if (checksum == 0 && layout.Protocol == SplitLayout.Udp)
        {
            checksum = 0xFFFF; // 0 means "no checksum" in UDP
        }

        BinaryPrimitives.WriteUInt16BigEndian(d[checksumAt..], checksum);
    }
}
