using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Capture;

/// <summary>What a source is given when it is created.</summary>
internal sealed class SourceContext
{
    /// <summary>The task the source feeds; prefixes its log lines.</summary>
    public required string TaskName { get; init; }

    /// <summary>
    /// The loop guard (a BPF expression matching every output's traffic) when the source type uses
    /// one and the task does not turn it off; null otherwise.
    /// </summary>
    public string? LoopGuard { get; init; }

    /// <summary>Where the source logs.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>Clock for pacing and logs; a fake one in tests.</summary>
    public required TimeProvider Time { get; init; }
}
