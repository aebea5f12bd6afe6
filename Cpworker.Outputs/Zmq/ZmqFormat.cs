using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// The ZeroMQ batch of docs/wire-formats.md, "ZeroMQ": a 24-byte header, then records of a 2-byte length, a 16-byte
/// packet header and the frame with an MPLS-like tag inserted behind its VLAN stack. Pure functions.
/// </summary>
internal static class ZmqFormat
{
    /// <summary>Batch format version.</summary>
    public const ushort Version = 2;

    /// <summary>Bytes of the batch header.</summary>
    public const int BatchHeaderLength = 24;

    /// <summary>Bytes of a record before its frame: <c>pkt_data_len</c> and the packet header.</summary>
    public const int RecordHeaderLength = 18;

    /// <summary>Bytes of the inserted tag.</summary>
    public const int TagLength = 4;

    /// <summary>Most records in one batch.</summary>
    public const int MaxRecords = 65_535;

    /// <summary>Largest batch (message): 1 MiB.</summary>
    public const int MaxMessageBytes = 1 << 20;

    /// <summary>Largest caplen before the tag: <c>caplen + 4</c> must fit the u16 <c>pkt_data_len</c>.</summary>
    public const int MaxCaplen = 65_531;

    /// <summary>EtherType written in place of the innermost one.</summary>
    public const ushort EtherTypeMpls = 0x8847;

    /// <summary>Frame bytes of a heartbeat record: zero MACs and EtherType 0xFFFF.</summary>
    public const int HeartbeatFrameLength = 14;

    /// <summary>Bytes of a whole heartbeat record.</summary>
    public const int HeartbeatRecordLength = RecordHeaderLength + HeartbeatFrameLength;

    /// <summary>
    /// <c>l2_len</c>: 14 plus 4 per VLAN tag (0x8100, 0x88A8, 0x9100, 0x9200); -1 when the Ethernet
    /// header or the tag stack is not fully captured.
    /// </summary>
    public static int L2Length(ReadOnlySpan<byte> frame) => EthernetHeader.L2Length(frame, out _);

    /// <summary>
    /// How many bytes of <paramref name="frame"/> the output keeps with <c>slice</c> =
    /// <paramref name="slice"/>: at most <see cref="MaxCaplen"/>, and never less than the L2 stack.
    /// </summary>
    public static int SliceLength(ReadOnlySpan<byte> frame, int slice)
    {
        int caplen = Math.Min(frame.Length, MaxCaplen);
        if (slice > 0 && slice < caplen)
        {
            int l2 = L2Length(frame);
            caplen = l2 < 0 ? caplen : Math.Min(caplen, Math.Max(slice, l2));
        }

        return caplen;
    }

    /// <summary>Bytes the record of <paramref name="frame"/> takes.</summary>
    public static int RecordLength(ReadOnlySpan<byte> frame) =>
        RecordHeaderLength + Math.Min(frame.Length, MaxCaplen) + TagLength;

    /// <summary>Writes the batch header.</summary>
    public static void WriteBatchHeader(Span<byte> destination, int recordCount, uint serviceTag, ReadOnlySpan<byte> uuid)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, Version);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)recordCount);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], serviceTag);
        uuid[..16].CopyTo(destination[8..24]);
    }

    /// <summary>Writes the 4-byte tag: direction and the low 12 bits of the service tag.</summary>
    public static void WriteTag(Span<byte> destination, uint serviceTag, PacketDirection direction)
    {
        destination[0] = (byte)(0x80 | ((int)direction << 3));
        destination[1] = (byte)(serviceTag >> 4);
        destination[2] = (byte)(((serviceTag & 0x0F) << 4) | 0x01);
        destination[3] = 0xFF;
    }

    /// <summary>
    /// Writes the record of one packet and returns its length (<see cref="RecordLength"/>); -1 when
    /// the frame's Ethernet header or tag stack is not fully captured (nothing is written then).
    /// </summary>
    public static int WriteRecord(
        Span<byte> destination, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction, uint serviceTag)
        => WriteRecord(destination, frame, originalLength, Seconds(timestampNanos), Microseconds(timestampNanos), direction, serviceTag);

    /// <summary>
    /// <see cref="WriteRecord(Span{byte}, ReadOnlySpan{byte}, int, long, PacketDirection, uint)"/> with the
    /// header's time fields given as they are written (the examples of docs/wire-formats.md use values no clock produces).
    /// </summary>
    public static int WriteRecord(
        Span<byte> destination, ReadOnlySpan<byte> frame, int originalLength, uint seconds, uint microseconds, PacketDirection direction, uint serviceTag)
    {
        int l2 = L2Length(frame);
        int caplen = Math.Min(frame.Length, MaxCaplen);
        if (l2 < 0 || l2 > caplen)
        {
            return -1;
        }

        int dataLength = caplen + TagLength;
        Span<byte> d = destination[..(RecordHeaderLength + dataLength)];
        WriteRecordHeader(d, seconds, microseconds, dataLength, (uint)originalLength + TagLength);
        Span<byte> f = d[RecordHeaderLength..];
        frame[..(l2 - 2)].CopyTo(f);
        BinaryPrimitives.WriteUInt16BigEndian(f[(l2 - 2)..], EtherTypeMpls);
        WriteTag(f[l2..], serviceTag, direction);
        frame[l2..caplen].CopyTo(f[(l2 + TagLength)..]);
        return d.Length;
    }

    /// <summary>Writes a heartbeat record stamped <paramref name="unixNanos"/>; returns <see cref="HeartbeatRecordLength"/>.</summary>
    public static int WriteHeartbeat(Span<byte> destination, long unixNanos)
    {
        Span<byte> d = destination[..HeartbeatRecordLength];
        WriteRecordHeader(d, Seconds(unixNanos), Microseconds(unixNanos), HeartbeatFrameLength, HeartbeatFrameLength);
        d.Slice(RecordHeaderLength, 12).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(d[(RecordHeaderLength + 12)..], 0xFFFF);
        return HeartbeatRecordLength;
    }

    private static uint Seconds(long nanos) => (uint)(nanos / 1_000_000_000);

    private static uint Microseconds(long nanos) => (uint)(nanos % 1_000_000_000 / 1000);

    private static void WriteRecordHeader(Span<byte> d, uint seconds, uint microseconds, int dataLength, uint wireLength)
    {
        BinaryPrimitives.WriteUInt16BigEndian(d, (ushort)dataLength);
        BinaryPrimitives.WriteUInt32BigEndian(d[2..], seconds);
        BinaryPrimitives.WriteUInt32BigEndian(d[6..], microseconds);
        BinaryPrimitives.WriteUInt32BigEndian(d[10..], (uint)dataLength);
        BinaryPrimitives.WriteUInt32BigEndian(d[14..], wireLength);
    }
}
