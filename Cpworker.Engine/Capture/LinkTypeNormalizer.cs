using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Gives frames of non-Ethernet link types a synthesized Ethernet header (docs/packet-path.md, "Link types"): zero
/// MACs and the EtherType of the payload, so that every output receives Ethernet.
/// </summary>
/// <remarks>
/// The link header is replaced, not kept: caplen and len change by
/// <c>14 − link header length</c> (+14 for raw IP, −2 for SLL, −6 for SLL2). A frame too short to
/// hold its link header becomes an empty frame (counted as captured, handed to no output).
/// </remarks>
internal static class LinkTypeNormalizer
{
    /// <summary><c>LINKTYPE_NULL</c>: BSD loopback, 4-byte address family in the writer's byte order.</summary>
    public const int Null = 0;

    /// <summary><c>LINKTYPE_ETHERNET</c>.</summary>
    public const int Ethernet = 1;

    /// <summary><c>DLT_RAW</c> on Linux: raw IPv4 or IPv6.</summary>
    public const int RawDlt = 12;

    /// <summary><c>LINKTYPE_RAW</c> (files): raw IPv4 or IPv6.</summary>
    public const int Raw = 101;

    /// <summary><c>LINKTYPE_LOOP</c>: OpenBSD loopback, 4-byte address family in network order.</summary>
    public const int Loop = 108;

    /// <summary><c>LINKTYPE_LINUX_SLL</c>: Linux cooked capture, 16-byte header.</summary>
    public const int LinuxSll = 113;

    /// <summary><c>LINKTYPE_IPV4</c>.</summary>
    public const int IPv4 = 228;

    /// <summary><c>LINKTYPE_IPV6</c>.</summary>
    public const int IPv6 = 229;

    /// <summary><c>LINKTYPE_LINUX_SLL2</c>: Linux cooked capture v2, 20-byte header.</summary>
    public const int LinuxSll2 = 276;

    /// <summary>Length of the synthesized header.</summary>
    public const int EthernetHeaderLength = 14;

    /// <summary>Most bytes a frame can grow by (raw IP gains a whole Ethernet header).</summary>
    public const int MaxGrowth = EthernetHeaderLength;

    /// <summary>True when frames of <paramref name="linkType"/> can be delivered (Ethernet or one of the normalised types).</summary>
    public static bool IsSupported(int linkType) => linkType is Ethernet or Null or RawDlt or Raw or Loop or LinuxSll or IPv4 or IPv6 or LinuxSll2;

    /// <summary>
    /// The DLT value libpcap's filter compiler knows <paramref name="linkType"/> (a file's
    /// LINKTYPE) by; they differ only for raw IP.
    /// </summary>
    public static int ToDlt(int linkType) => linkType == Raw ? RawDlt : linkType;

    /// <summary>
    /// Reads the link header of <paramref name="frame"/>: returns its length (the bytes to strip)
    /// and the EtherType the synthesized header carries, or -1 when the frame is shorter than its
    /// link header. Not for Ethernet.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Inspect(int linkType, ReadOnlySpan<byte> frame, out ushort etherType)
    {
        int header;
        switch (linkType)
        {
            case LinuxSll:
                header = 16;
                if (frame.Length < header)
                {
                    break;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[14..]);
                return header;
            case LinuxSll2:
                header = 20;
                if (frame.Length < header)
                {
                    break;
                }

                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame);
                return header;
            case IPv4:
                etherType = 0x0800;
                return 0;
            case IPv6:
                etherType = 0x86DD;
                return 0;
            case RawDlt or Raw:
                etherType = FromIpVersion(frame);
                return 0;
            case Null or Loop:
                header = 4;
                if (frame.Length < header)
                {
                    break;
                }

                // The address family's values differ between systems (AF_INET6 is 10, 24, 28 or 30)
                // and NULL is in the writer's byte order: the IP version nibble is unambiguous.
                etherType = FromIpVersion(frame[header..]);
                return header;
        }

        etherType = 0;
        return -1;
    }

    /// <summary>Writes a 14-byte Ethernet header with zero MACs and <paramref name="etherType"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WriteEthernetHeader(Span<byte> destination, ushort etherType)
    {
        destination[..12].Clear();
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], etherType);
    }

    /// <summary>
    /// Copies <paramref name="frame"/> of <paramref name="linkType"/> into
    /// <paramref name="destination"/> (at least <c>frame.Length + 14</c> bytes) as an Ethernet
    /// frame. Returns the new caplen and sets <paramref name="originalLength"/> to the new len.
    /// </summary>
    public static int Normalize(int linkType, ReadOnlySpan<byte> frame, int wireLength, Span<byte> destination, out int originalLength)
    {
        int strip = Inspect(linkType, frame, out ushort etherType);
        if (strip < 0)
        {
            originalLength = wireLength;
            return 0;
        }

        WriteEthernetHeader(destination, etherType);
        ReadOnlySpan<byte> payload = frame[strip..];
        payload.CopyTo(destination[EthernetHeaderLength..]);
        originalLength = AdjustLength(wireLength, strip);
        return payload.Length + EthernetHeaderLength;
    }

    /// <summary>The wire length after replacing a <paramref name="strip"/>-byte link header by Ethernet.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int AdjustLength(int wireLength, int strip) =>
        wireLength >= strip ? wireLength - strip + EthernetHeaderLength : wireLength;

    private static ushort FromIpVersion(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return 0;
        }

        return (packet[0] >> 4) switch
        {
            4 => 0x0800,
            6 => 0x86DD,
            _ => 0,
        };
    }
}
