using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Engine.Runtime;

/// <summary>A task's state and counters at one moment.</summary>
/// <param name="Name">The task's name.</param>
/// <param name="Fingerprint">Its fingerprint, if configured.</param>
/// <param name="State">Its state.</param>
/// <param name="Error">Why it failed, when <paramref name="State"/> is <see cref="TaskState.Failed"/>, or is <see cref="TaskState.Starting"/> again after a failure.</param>
/// <param name="Capture">Capture counters since the engine started the task.</param>
/// <param name="Outputs">Per-output counters, in configuration order.</param>
public sealed record TaskSnapshot(
    string Name,
    string? Fingerprint,
    TaskState State,
    string? Error,
    CaptureCounterSnapshot Capture,
    IReadOnlyList<OutputStatus> Outputs)
{
    /// <summary>Its pipeline buffer now (zero under rtc and while the task is not running).</summary>
    public PipelineBufferUsage Buffer { get; init; }

    /// <summary>
    /// Capture counters of each capture thread (<c>threads</c>), in thread order; their sum is
    /// <see cref="Capture"/>. One entry for a task with one capture thread.
    /// </summary>
    public IReadOnlyList<CaptureCounterSnapshot> CaptureThreads { get; init; } = [];
}
