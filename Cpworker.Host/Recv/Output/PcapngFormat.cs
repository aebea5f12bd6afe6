using System.Buffers.Binary;
using System.Text;

namespace Cpworker.Host.Recv.Output;

/// <summary>
/// The pcapng blocks recv writes (little-endian): a section header, one interface description per
/// sender+tag (Ethernet, nanosecond timestamps, the sender in <c>if_name</c>/<c>if_description</c>),
/// and enhanced packet blocks with the direction in <c>epb_flags</c>. Pure functions.
/// </summary>
internal static class PcapngFormat
{
    /// <summary>Largest frame recv writes (a UDP payload cannot be larger).</summary>
    public const int MaxFrameLength = 65_535;

    /// <summary>Bytes an enhanced packet block adds to its frame (before padding).</summary>
    public const int PacketOverhead = 32 + 12;

    /// <summary>Largest interface description written (names are cut to fit).</summary>
    public const int MaxInterfaceBlockLength = 20 + 2 * (4 + 256) + 8 + 4;

    private const uint SectionHeaderType = 0x0A0D0D0A;
    private const uint InterfaceType = 1;
    private const uint EnhancedPacketType = 6;
    private const ushort LinkTypeEthernet = 1;
    private const ushort OptionEnd = 0;
    private const ushort IfName = 2;
    private const ushort IfDescription = 3;
    private const ushort IfTsResol = 9;
    private const ushort EpbFlags = 2;

    /// <summary>Writes the section header block; returns its length.</summary>
    public static int WriteSectionHeader(Span<byte> d, string application)
    {
        int at = 8;
        BinaryPrimitives.WriteUInt32LittleEndian(d[at..], 0x1A2B3C4D);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(at + 4)..], 1);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(at + 6)..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(d[(at + 8)..], -1); // section length not known
        at += 16;
        at += WriteStringOption(d[at..], 4 /* shb_userappl */, application);
        at += WriteEnd(d[at..]);
        return Close(d, SectionHeaderType, at);
    }

    /// <summary>Writes an interface description block; returns its length.</summary>
    public static int WriteInterface(Span<byte> d, string name, string description)
    {
        int at = 8;
        BinaryPrimitives.WriteUInt16LittleEndian(d[at..], LinkTypeEthernet);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(at + 2)..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(at + 4)..], 0); // snaplen: no limit
        at += 8;
        at += WriteStringOption(d[at..], IfName, name);
        at += WriteStringOption(d[at..], IfDescription, description);
        BinaryPrimitives.WriteUInt16LittleEndian(d[at..], IfTsResol);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(at + 2)..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(at + 4)..], 9); // 10^-9 s, padding zeros
        at += 8;
        at += WriteEnd(d[at..]);
        return Close(d, InterfaceType, at);
    }

    /// <summary>Bytes of the enhanced packet block of a frame of <paramref name="length"/> bytes.</summary>
    public static int PacketBlockLength(int length) => PacketOverhead + Pad(length);

    /// <summary>
    /// Writes an enhanced packet block; returns its length. <paramref name="direction"/> is the
    /// <c>epb_flags</c> direction: 0 unknown, 1 inbound, 2 outbound.
    /// </summary>
    public static int WritePacket(Span<byte> d, int interfaceId, long timestampNanos, ReadOnlySpan<byte> frame, int originalLength, int direction)
    {
        BinaryPrimitives.WriteInt32LittleEndian(d[8..], interfaceId);
        BinaryPrimitives.WriteUInt32LittleEndian(d[12..], (uint)((ulong)timestampNanos >> 32));
        BinaryPrimitives.WriteUInt32LittleEndian(d[16..], (uint)timestampNanos);
        BinaryPrimitives.WriteInt32LittleEndian(d[20..], frame.Length);
        BinaryPrimitives.WriteInt32LittleEndian(d[24..], Math.Max(originalLength, frame.Length));
        frame.CopyTo(d[28..]);
        int at = 28 + frame.Length;
        int padded = 28 + Pad(frame.Length);
        d[at..padded].Clear();
        at = padded;
        BinaryPrimitives.WriteUInt16LittleEndian(d[at..], EpbFlags);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(at + 2)..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(d[(at + 4)..], (uint)(direction & 3));
        at += 8;
        at += WriteEnd(d[at..]);
        return Close(d, EnhancedPacketType, at);
    }

    private static int Pad(int n) => (n + 3) & ~3;

    private static int WriteStringOption(Span<byte> d, ushort code, string value)
    {
        int max = 256;
        int length = Math.Min(Encoding.UTF8.GetByteCount(value), max);
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        Encoding.UTF8.GetBytes(value, bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(d, code);
        BinaryPrimitives.WriteUInt16LittleEndian(d[2..], (ushort)length);
        bytes[..length].CopyTo(d[4..]);
        d[(4 + length)..(4 + Pad(length))].Clear();
        return 4 + Pad(length);
    }

    private static int WriteEnd(Span<byte> d)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(d, OptionEnd);
        return 4;
    }

    private static int Close(Span<byte> d, uint type, int bodyEnd)
    {
        int total = bodyEnd + 4;
        BinaryPrimitives.WriteUInt32LittleEndian(d, type);
        BinaryPrimitives.WriteInt32LittleEndian(d[4..], total);
        BinaryPrimitives.WriteInt32LittleEndian(d[bodyEnd..], total);
        return total;
    }
}
