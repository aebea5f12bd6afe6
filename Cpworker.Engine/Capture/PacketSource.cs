using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Where a task's packets come from: a live interface or a capture file. Every method is called on
/// the task's capture thread, which owns the source.
/// </summary>
internal abstract class PacketSource : IDisposable
{
    /// <summary>
    /// Opens the source (entering and leaving the task's network namespace as needed). Throws
    /// <see cref="CaptureException"/> with a message naming the problem when it cannot.
    /// </summary>
    public abstract void Open();

    /// <summary>
    /// The largest frame <see cref="Fill"/> can produce (snaplen plus link-type normalisation);
    /// valid after <see cref="Open"/>. Batches are sized from it.
    /// </summary>
    public abstract int MaxFrameLength { get; }

    /// <summary>
    /// True for replays: when the pipeline is full the capture waits instead of losing packets,
    /// and nothing is lost to congestion anywhere on the path.
    /// </summary>
    public virtual bool IsLossless => false;

    /// <summary>
    /// Adds the packets that are available to <paramref name="batch"/>, Ethernet-framed, waiting at
    /// most <paramref name="timeoutMs"/> for the first one. Returns when the batch is full, nothing
    /// more is ready, or the wait ends. Throws <see cref="CaptureException"/> when the source
    /// fails (interface gone).
    /// </summary>
    public abstract SourceStatus Fill(PacketBatch batch, int timeoutMs);

    /// <summary>
    /// Looks an interface up in the source's network namespace (entering it on the calling capture
    /// thread when the task has <c>netns</c>); null when there is no such interface.
    /// </summary>
    public virtual InterfaceInfo? ResolveInterface(string name) => InterfaceResolver.Find(name);

    /// <summary>Kernel-side counters (drops), read on the capture thread; zero for files.</summary>
    public virtual KernelCaptureStats ReadKernelStats() => default;

    /// <summary>
    /// Called once every source of the task is open, before the first <see cref="Fill"/>: a source
    /// that shares its input with others (capture threads in one fanout group) starts delivering
    /// only now. Nothing to do for the others.
    /// </summary>
    public virtual void BeginDelivery()
    {
    }

    /// <summary>Replaces the capture filter (the loop guard changes when outputs change at reload).</summary>
    public virtual void SetFilter(string? filter)
    {
    }

    /// <inheritdoc/>
    public virtual void Dispose()
    {
    }
}
