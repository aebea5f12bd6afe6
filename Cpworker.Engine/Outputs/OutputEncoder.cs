using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// The packet-thread half of an output: turns packets into the output's format inside
/// <see cref="SendBuffer"/>s and submits full buffers to its lane. Pure CPU work; never blocks.
/// </summary>
/// <remarks>
/// Called from one thread at a time (the capture thread under rtc, the encapsulation thread under
/// pipeline). Direction filtering, slicing and rate limiting are done before
/// <see cref="Encode"/> by <see cref="OutputStage"/>.
/// </remarks>
public abstract class OutputEncoder
{
    private ISendLane? _lane;

    /// <summary>Where filled buffers go; set by the scheduler before the first packet.</summary>
    protected ISendLane Lane => _lane ?? throw new InvalidOperationException("the encoder has no send lane yet");

    /// <summary>Connects the encoder to its transport; called once by the scheduler.</summary>
    internal void Attach(ISendLane lane) => _lane = lane;

    /// <summary>
    /// How many bytes of <paramref name="frame"/> this output keeps with <c>slice</c> =
    /// <paramref name="slice"/> (0 = all). The rate limiter charges this length.
    /// </summary>
    public virtual int SliceLength(ReadOnlySpan<byte> frame, int slice) =>
        slice > 0 && slice < frame.Length ? slice : frame.Length;

    /// <summary>
    /// Encodes one packet whose frame is already sliced. False when the packet cannot be taken
    /// (a frame this format cannot carry, no free buffer): the caller counts it as an error drop.
    /// </summary>
    public abstract bool Encode(in Packet packet);

    /// <summary>
    /// True for an encoder whose accepted packets are done with at once and never reach the
    /// transport (<c>null</c>): the stage counts them forwarded when accepted, since no send will
    /// settle them (docs/operations.md, "Counters").
    /// </summary>
    internal virtual bool SettlesOnAccept => false;

    /// <summary>Called after each batch: datagram outputs submit what they have so latency stays low.</summary>
    public virtual void EndOfBatch()
    {
    }

    /// <summary>Called at least every 100 ms, also without traffic: time-based flushes and heartbeats.</summary>
    public virtual void OnTick()
    {
    }

    /// <summary>Submits everything still held; called once when the task stops.</summary>
    public abstract void Flush();
}
