using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

namespace Cpworker.Outputs.Common;

/// <summary>
/// The packet-thread half of the <c>file</c> and <c>rotating_file</c> outputs: appends pcap records
/// to the current <see cref="SendBuffer"/> and submits it when the next record does not fit, when
/// its first record is half a second old (so data reaches the file at least once a second,
/// docs/files.md, "Flushing, and what a crash can lose"), or when a subclass says the buffer must end (a rotation boundary).
/// </summary>
/// <remarks>
/// Runs on the encoder's thread only; never blocks and allocates nothing per packet. The buffer it
/// holds is its own between <see cref="ISendLane.TryRent"/> and <see cref="ISendLane.Submit"/>.
/// </remarks>
internal class PcapFileEncoder : BufferedEncoder
{
    /// <summary>Age of a buffer's first record after which <see cref="OnTick"/> submits it.</summary>
    public static readonly TimeSpan MaxBufferAge = TimeSpan.FromMilliseconds(500);

    private readonly bool _nanosecond;

    /// <summary>The file's declared snaplen; no record is longer.</summary>
    private readonly int _snaplen;

    /// <summary><see cref="MaxBufferAge"/> in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    private readonly long _maxAgeTicks;

    /// <summary>True until the first packet of a batch has been looked at (boundary checks run once per batch).</summary>
    private bool _batchStart = true;

    /// <summary>Creates the encoder for a file declaring <paramref name="snaplen"/>.</summary>
    public PcapFileEncoder(TimeProvider time, bool nanosecond, int snaplen)
    {
        Time = time;
        _nanosecond = nanosecond;
        _snaplen = snaplen;
        _maxAgeTicks = (long)(MaxBufferAge.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The output's clock.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc/>
    public override bool Encode(in Packet packet)
    {
        if (_batchStart)
        {
            _batchStart = false;
            if (Current is { PacketCount: > 0 } && MustEnd())
            {
                SubmitCurrent();
            }
        }

        // A frame longer than the declared snaplen cannot occur from a capture; cut it rather than
        // write a record that readers would silently cut or reject.
        ReadOnlySpan<byte> frame = packet.Frame.Length <= _snaplen ? packet.Frame : packet.Frame[.._snaplen];
        SendBuffer? buffer = Reserve(PcapRecordEncoder.RecordLength(frame.Length));
        if (buffer is null)
        {
            return false; // congested (or a record larger than a buffer, which BufferBytes ≥ snaplen + 16 rules out): an error drop
        }

        if (buffer.PacketCount == 0)
        {
            buffer.FirstRecordTimestamp = Time.GetTimestamp();
            OnFirstRecord();
        }

        buffer.Length += PcapRecordEncoder.WriteRecord(buffer.Free, frame, packet.OriginalLength, packet.TimestampNanos, _nanosecond);
        buffer.PacketCount++;
        buffer.PacketBytes += packet.Frame.Length; // what the stage counted, so a failed write un-counts exactly that
        return true;
    }

    /// <inheritdoc/>
    public override void EndOfBatch() => _batchStart = true;

    /// <inheritdoc/>
    public override void OnTick()
    {
        SendBuffer? buffer = Current;
        if (buffer is null || buffer.PacketCount == 0)
        {
            return;
        }

        if (Time.GetTimestamp() - buffer.FirstRecordTimestamp >= _maxAgeTicks || MustEnd())
        {
            SubmitCurrent();
        }
    }

    /// <summary>Called when the first record goes into a buffer (a subclass notes the time).</summary>
    protected virtual void OnFirstRecord()
    {
    }

    /// <summary>
    /// True when the non-empty current buffer must be submitted before anything else is added
    /// (its records belong to a file that ends now). Checked once per batch and at each tick.
    /// </summary>
    protected virtual bool MustEnd() => false;
}
