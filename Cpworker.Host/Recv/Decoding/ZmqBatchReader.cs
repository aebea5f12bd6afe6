using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Host.Recv.Decoding;

/// <summary>
/// Reads the records of one ZMQ batch (docs/wire-formats.md#zeromq) and undoes each: the tag after
/// the VLAN stack is removed and the EtherType restored <b>in place</b> (the message buffer is
/// modified; each frame's offset points into it). Heartbeats are reported, not returned as frames.
/// Pure and allocation-free.
/// </summary>
internal ref struct ZmqBatchReader
{
    /// <summary>Bytes of a record before its frame.</summary>
    public const int RecordHeaderLength = 18;

    private const int TagLength = 4;
    private const ushort EtherTypeMpls = 0x8847;
    private const int HeartbeatLength = 14;

    private readonly Span<byte> _message;
    private readonly ZmqBatchHeader _header;
    private int _offset;
    private int _index;
    private bool _done;

    /// <summary>Starts reading the records of <paramref name="message"/>, whose header is <paramref name="header"/>.</summary>
    public ZmqBatchReader(Span<byte> message, ZmqBatchHeader header)
    {
        _message = message;
        _header = header;
        _offset = ZmqBatchHeader.Length;
    }

    /// <summary>Reads the batch header.</summary>
    public static DecodeStatus ReadHeader(ReadOnlySpan<byte> message, out ZmqBatchHeader header)
    {
        header = default;
        if (message.Length < ZmqBatchHeader.Length)
        {
            return DecodeStatus.Truncated;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(message) != ZmqBatchHeader.Version)
        {
            return DecodeStatus.WrongVersion;
        }

        header = new ZmqBatchHeader(
            BinaryPrimitives.ReadUInt16BigEndian(message[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(message[4..]),
            BinaryPrimitives.ReadUInt128BigEndian(message[8..]));
        return DecodeStatus.Ok;
    }

    /// <summary>
    /// The next record; false after the last. A batch with bytes after its last record, or that ends
    /// inside one, yields one <see cref="ZmqRecordKind.Malformed"/> record and ends.
    /// </summary>
    public bool Next(out ZmqRecord record)
    {
        record = default;
        if (_done)
        {
            return false;
        }

        if (_index == _header.RecordCount)
        {
            _done = true;
            if (_offset == _message.Length)
            {
                return false;
            }

            record = new ZmqRecord(ZmqRecordKind.Malformed, default, DecodeStatus.BadField);
            return true;
        }

        _index++;
        Span<byte> rest = _message[_offset..];
        if (rest.Length < RecordHeaderLength)
        {
            return Broken(DecodeStatus.Truncated, out record);
        }

        int dataLength = BinaryPrimitives.ReadUInt16BigEndian(rest);
        uint seconds = BinaryPrimitives.ReadUInt32BigEndian(rest[2..]);
        uint micros = BinaryPrimitives.ReadUInt32BigEndian(rest[6..]);
        uint caplen = BinaryPrimitives.ReadUInt32BigEndian(rest[10..]);
        uint wireLength = BinaryPrimitives.ReadUInt32BigEndian(rest[14..]);
        if (caplen != (uint)dataLength || wireLength < caplen)
        {
            return Broken(DecodeStatus.BadField, out record);
        }

        if (rest.Length < RecordHeaderLength + dataLength)
        {
            return Broken(DecodeStatus.Truncated, out record);
        }

        int frameAt = _offset + RecordHeaderLength;
        _offset = frameAt + dataLength;
        Span<byte> f = _message.Slice(frameAt, dataLength);
        // Microseconds are taken as written, also past 10^6 (the wire-format vectors use such values).
        long timestamp = seconds * 1_000_000_000L + micros * 1000L;
        if (IsHeartbeat(f, wireLength))
        {
            record = new ZmqRecord(ZmqRecordKind.Heartbeat, new DecodedFrame(frameAt, dataLength, dataLength, PacketDirection.NotChecked, _header.ServiceTag, timestamp), DecodeStatus.Ok);
            return true;
        }

        record = Untag(f, frameAt, (int)wireLength, timestamp);
        return true;
    }

    private bool Broken(DecodeStatus status, out ZmqRecord record)
    {
        _done = true;
        record = new ZmqRecord(ZmqRecordKind.Malformed, default, status);
        return true;
    }

    private static bool IsHeartbeat(ReadOnlySpan<byte> f, uint wireLength) =>
        f.Length == HeartbeatLength && wireLength == HeartbeatLength
        && BinaryPrimitives.ReadUInt16BigEndian(f[12..]) == 0xFFFF && !f[..12].ContainsAnyExcept((byte)0);

    private readonly ZmqRecord Untag(Span<byte> f, int frameAt, int wireLength, long timestamp)
    {
        int l2 = EthernetHeader.L2Length(f, out ushort etherType);
        if (l2 < 0 || etherType != EtherTypeMpls || f.Length < l2 + TagLength)
        {
            return new ZmqRecord(ZmqRecordKind.Malformed, default, DecodeStatus.BadField);
        }

        Span<byte> tag = f.Slice(l2, TagLength);
        int direction = (tag[0] >> 3) & 3;
        if ((tag[0] & 0x87) != 0x80 || direction == 3 || (tag[2] & 0x0F) != 0x01 || tag[3] != 0xFF)
        {
            return new ZmqRecord(ZmqRecordKind.Malformed, default, DecodeStatus.BadField);
        }

        ushort original = EtherTypeInference.Infer(f[(l2 + TagLength)..]);
        if (original == 0)
        {
            var kept = new DecodedFrame(frameAt, f.Length, wireLength, (PacketDirection)direction, _header.ServiceTag, timestamp);
            return new ZmqRecord(ZmqRecordKind.FrameWithTag, kept, DecodeStatus.Ok);
        }

        // [L2 up to the EtherType][8847][tag][L3] → [L2 up to the EtherType][original][L3], 4 bytes later.
        BinaryPrimitives.WriteUInt16BigEndian(f[(l2 + 2)..], original);
        f[..(l2 - 2)].CopyTo(f[TagLength..]);
        var restored = new DecodedFrame(frameAt + TagLength, f.Length - TagLength, wireLength - TagLength, (PacketDirection)direction, _header.ServiceTag, timestamp);
        return new ZmqRecord(ZmqRecordKind.Frame, restored, DecodeStatus.Ok);
    }
}
