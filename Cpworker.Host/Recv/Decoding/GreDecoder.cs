using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Host.Recv.Decoding;

/// <summary>
/// Undoes the GRE output (docs/wire-formats.md#gre): a keyed GRE header over an Ethernet frame.
/// The key is <c>service_tag | direction &lt;&lt; 28</c>; a key whose top nibble is above 2 (the
/// default service tag 0xFFFFFFFF, or a tag overlapping the direction bits) gives the whole key as
/// the tag and an unknown direction. Pure and allocation-free.
/// </summary>
internal static class GreDecoder
{
    /// <summary>Smallest inner frame: an Ethernet header.</summary>
    public const int MinFrameLength = 14;

    private const ushort ChecksumBit = 0x8000;
    private const ushort RoutingBit = 0x4000;
    private const ushort KeyBit = 0x2000;
    private const ushort SequenceBit = 0x1000;
    private const ushort VersionMask = 0x0007;
    private const ushort TransparentEthernet = 0x6558;

    /// <summary>Decodes a GRE packet (the bytes after the outer IP header).</summary>
    public static DecodeStatus Decode(ReadOnlySpan<byte> gre, out DecodedFrame frame)
    {
        frame = default;
        if (gre.Length < 4)
        {
            return DecodeStatus.Truncated;
        }

        ushort flags = BinaryPrimitives.ReadUInt16BigEndian(gre);
        if ((flags & VersionMask) != 0)
        {
            return DecodeStatus.WrongVersion;
        }

        if ((flags & KeyBit) == 0 || (flags & RoutingBit) != 0)
        {
            return DecodeStatus.BadFlags;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(gre[2..]) != TransparentEthernet)
        {
            return DecodeStatus.WrongProtocol;
        }

        // Optional fields in RFC 2890 order: checksum+reserved, key, sequence number.
        int keyAt = 4 + ((flags & ChecksumBit) != 0 ? 4 : 0);
        int header = keyAt + 4 + ((flags & SequenceBit) != 0 ? 4 : 0);
        if (gre.Length < header + MinFrameLength)
        {
            return DecodeStatus.Truncated;
        }

        uint key = BinaryPrimitives.ReadUInt32BigEndian(gre[keyAt..]);
        uint dir = key >> 28;
        (PacketDirection direction, uint tag) = dir <= 2 ? ((PacketDirection)dir, key & 0x0FFF_FFFF) : (PacketDirection.Unknown, key);
        int length = gre.Length - header;
        frame = new DecodedFrame(header, length, length, direction, tag, DecodedFrame.NoTimestamp);
        return DecodeStatus.Ok;
    }

    /// <summary>
    /// Decodes what a raw IPv4 socket of protocol 47 returns: the IPv4 header, then GRE. The frame's
    /// offset is counted from the start of <paramref name="ipPacket"/>.
    /// </summary>
    public static DecodeStatus DecodeIpv4(ReadOnlySpan<byte> ipPacket, out DecodedFrame frame)
    {
        frame = default;
        if (ipPacket.Length < 20)
        {
            return DecodeStatus.Truncated;
        }

        if (ipPacket[0] >> 4 != 4)
        {
            return DecodeStatus.WrongVersion;
        }

        int ihl = (ipPacket[0] & 0x0F) * 4;
        if (ihl < 20 || ipPacket.Length < ihl)
        {
            return DecodeStatus.Truncated;
        }

        DecodeStatus status = Decode(ipPacket[ihl..], out frame);
        frame = frame with { Offset = frame.Offset + ihl };
        return status;
    }
}
