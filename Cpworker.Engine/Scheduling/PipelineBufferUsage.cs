namespace Cpworker.Engine.Scheduling;

/// <summary>
/// The <c>pipeline</c> model's in-flight buffer of a task (or the sum over tasks): the pooled batch
/// memory and the ring between the capture and the encapsulation thread. All zero under <c>rtc</c>,
/// which passes no packet between threads.
/// </summary>
/// <param name="MemTotal">Bytes of packet batch memory the task owns (about <c>pipeline.buffer_size_mb</c>).</param>
/// <param name="MemUsed">Bytes of it in batches that are out of the pool (being filled, queued or processed).</param>
/// <param name="RingTotal">Slots of the capture→encapsulation ring.</param>
/// <param name="RingUsed">Batches waiting in that ring.</param>
public readonly record struct PipelineBufferUsage(long MemTotal, long MemUsed, long RingTotal, long RingUsed)
{
    /// <summary>Sum of two usages (totals over tasks).</summary>
    public static PipelineBufferUsage operator +(PipelineBufferUsage a, PipelineBufferUsage b) =>
        new(a.MemTotal + b.MemTotal, a.MemUsed + b.MemUsed, a.RingTotal + b.RingTotal, a.RingUsed + b.RingUsed);
}
