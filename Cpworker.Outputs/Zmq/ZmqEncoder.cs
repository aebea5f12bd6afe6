using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// Collects packets into ZeroMQ batches (docs/wire-formats.md, "When a batch is sent"), one batch per <see cref="SendBuffer"/>, and
/// submits a batch when it reaches 65 535 records, when the next record would take it past 1 MiB,
/// when its first record is more than a second old, right after a heartbeat, and at <see cref="BufferedEncoder.Flush"/>.
/// </summary>
/// <remarks>
/// Packet thread only (<see cref="Encode"/>, <see cref="EndOfBatch"/>, <see cref="OnTick"/> and
/// <see cref="BufferedEncoder.Flush"/> all run there); allocates nothing per packet. Time comes from the output
/// context's <see cref="TimeProvider"/>: monotonic for flush ages and heartbeat cadence, wall clock
/// for the heartbeat's timestamp.
/// </remarks>
internal sealed class ZmqEncoder : BufferedEncoder
{
    private readonly uint _serviceTag;
    private readonly byte[] _uuid;
    private readonly TimeProvider _time;
    private readonly OutputCounters.PacketSide _counters;

    /// <summary>Largest age of a batch's first record, in <see cref="TimeProvider"/> ticks.</summary>
    private readonly long _maxAgeTicks;

    /// <summary>Heartbeat interval in ticks; 0 = no heartbeat.</summary>
    private readonly long _heartbeatTicks;

    /// <summary>When the next heartbeat is due; <see cref="long.MinValue"/> = at the first chance.</summary>
    private long _nextHeartbeat = long.MinValue;

    /// <summary>Records in the batch being filled (<see cref="BufferedEncoder.Current"/>).</summary>
    private int _records;

    /// <summary>Largest batch; <see cref="ZmqFormat.MaxMessageBytes"/> except in tests of the record-count rule.</summary>
    private readonly int _maxMessageBytes;

    /// <summary>
    /// Creates the encoder; <paramref name="uuid"/> is the 16 bytes of the batch header. The lane's
    /// buffers must hold <paramref name="maxMessageBytes"/> bytes. With 1 MiB the size rule always
    /// flushes first (the smallest record is 36 bytes, so at most 29 126 fit); a larger limit lets
    /// tests reach the 65 535-record rule.
    /// </summary>
    public ZmqEncoder(
        uint serviceTag, ReadOnlySpan<byte> uuid, int heartbeatMs, TimeProvider time, OutputCounters.PacketSide counters, int maxMessageBytes = ZmqFormat.MaxMessageBytes)
    {
        _maxMessageBytes = maxMessageBytes;
        if (uuid.Length != 16)
        {
            throw new ArgumentException("the probe UUID must be 16 bytes", nameof(uuid));
        }

        _serviceTag = serviceTag;
        _uuid = uuid.ToArray();
        _time = time;
        _counters = counters;
        _maxAgeTicks = time.TimestampFrequency; // one second
        _heartbeatTicks = heartbeatMs > 0 ? heartbeatMs * time.TimestampFrequency / 1000 : 0;
    }

    /// <inheritdoc/>
    public override int SliceLength(ReadOnlySpan<byte> frame, int slice) => ZmqFormat.SliceLength(frame, slice);

    /// <inheritdoc/>
    public override bool Encode(in Packet packet)
    {
        ReadOnlySpan<byte> frame = packet.Frame;
        if (ZmqFormat.L2Length(frame) < 0)
        {
            return false; // Ethernet header or tag stack not fully captured
        }

        Span<byte> d = Reserve(ZmqFormat.RecordLength(frame));
        if (d.IsEmpty)
        {
            return false;
        }

        int length = ZmqFormat.WriteRecord(d, frame, packet.OriginalLength, packet.TimestampNanos, packet.Direction, _serviceTag);
        if (length < 0)
        {
            return false; // the L2 stack runs past the 65531 bytes a record can carry: nothing was written
        }

        SendBuffer b = Current!;
        b.Length += length;
        b.PacketCount++;
        b.PacketBytes += frame.Length;
        if (++_records == ZmqFormat.MaxRecords)
        {
            SubmitCurrent();
        }

        return true;
    }

    /// <inheritdoc/>
    public override void EndOfBatch() => CheckTimers();

    /// <inheritdoc/>
    public override void OnTick() => CheckTimers();

    /// <summary>Heartbeat when due (then flush at once); else flush a batch whose first record is over a second old.</summary>
    private void CheckTimers()
    {
        long now = _time.GetTimestamp();
        if (_heartbeatTicks > 0 && now >= _nextHeartbeat)
        {
            Span<byte> d = Reserve(ZmqFormat.HeartbeatRecordLength);
            if (!d.IsEmpty)
            {
                _nextHeartbeat = now + _heartbeatTicks;
                long unixNanos = (_time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
                Current!.Length += ZmqFormat.WriteHeartbeat(d, unixNanos);
                _records++;
                _counters.HeartbeatPackets++;
                SubmitCurrent();
                return;
            }

            // No free buffer (congested): try again at the next tick.
        }

        if (_records > 0 && now - Current!.FirstRecordTimestamp > _maxAgeTicks)
        {
            SubmitCurrent();
        }
    }

    /// <summary>
    /// Space for one record of <paramref name="length"/> bytes; submits the batch first when the
    /// record would take it past 1 MiB. Empty when no buffer is free.
    /// </summary>
    private Span<byte> Reserve(int length)
    {
        if (Current is { } current && current.Length + length > _maxMessageBytes)
        {
            SubmitCurrent();
        }

        SendBuffer? b = Reserve(length, messages: 0);
        if (b is null)
        {
            return default;
        }

        if (_records == 0)
        {
            b.FirstRecordTimestamp = _time.GetTimestamp();
        }

        return b.Free[..length];
    }

    /// <inheritdoc/>
    protected override bool HasContent(SendBuffer buffer) => _records > 0;

    /// <inheritdoc/>
    protected override void OnRented(SendBuffer buffer) => buffer.Length = ZmqFormat.BatchHeaderLength;

    /// <summary>Completes the batch header before the batch goes to the transport.</summary>
    protected override void OnSubmitting(SendBuffer buffer)
    {
        ZmqFormat.WriteBatchHeader(buffer.All, _records, _serviceTag, _uuid);
        _records = 0;
    }
}
