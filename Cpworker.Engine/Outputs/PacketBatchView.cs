using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Outputs;

/// <summary>A read-only batch of packets handed to an <see cref="IPacketOutput"/>; valid only during the call.</summary>
public readonly ref struct PacketBatchView
{
    /// <summary>Bytes of the record header that precedes each frame in the engine's buffer.</summary>
    internal const int RecordHeaderLength = 20;

    /// <summary>The records: <c>[i64 time ns][i32 length][i32 caplen][u8 direction][3 unused]</c> then the frame.</summary>
    private readonly ReadOnlySpan<byte> _records;

    /// <summary>Where each record starts in <see cref="_records"/>.</summary>
    private readonly ReadOnlySpan<int> _offsets;

    internal PacketBatchView(ReadOnlySpan<byte> records, ReadOnlySpan<int> offsets)
    {
        _records = records;
        _offsets = offsets;
    }

    /// <summary>Number of packets.</summary>
    public int Count => _offsets.Length;

    /// <summary>Packet <paramref name="index"/> (0 … <see cref="Count"/> − 1).</summary>
    public Packet this[int index]
    {
        get
        {
            ReadOnlySpan<byte> r = _records[_offsets[index]..];
            long timestamp = BinaryPrimitives.ReadInt64LittleEndian(r);
            int length = BinaryPrimitives.ReadInt32LittleEndian(r[8..]);
            int captureLength = BinaryPrimitives.ReadInt32LittleEndian(r[12..]);
            return new Packet(r.Slice(RecordHeaderLength, captureLength), length, timestamp, (PacketDirection)r[16]);
        }
    }

    /// <summary>Enumerates the packets in order, for <c>foreach</c>.</summary>
    public Enumerator GetEnumerator() => new(this);

    /// <summary>Writes one record; returns its length. For the engine's adapter.</summary>
    internal static int WriteRecord(Span<byte> destination, in Packet packet)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination, packet.TimestampNanos);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], packet.OriginalLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], packet.Frame.Length);
        destination[16] = (byte)packet.Direction;
        packet.Frame.CopyTo(destination[RecordHeaderLength..]);
        return RecordHeaderLength + packet.Frame.Length;
    }

    /// <summary>Enumerator of a <see cref="PacketBatchView"/>.</summary>
    public ref struct Enumerator
    {
        private readonly PacketBatchView _view;
        private int _index;

        internal Enumerator(PacketBatchView view)
        {
            _view = view;
            _index = -1;
        }

        /// <summary>The current packet.</summary>
        public readonly Packet Current => _view[_index];

        /// <summary>Moves to the next packet; false after the last.</summary>
        public bool MoveNext() => ++_index < _view.Count;
    }
}
