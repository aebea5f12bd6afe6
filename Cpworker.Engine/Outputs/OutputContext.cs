using Cpworker.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Outputs;

/// <summary>What an output instance is given when it is created.</summary>
public sealed class OutputContext
{
    /// <summary>The task the output belongs to.</summary>
    public required string TaskName { get; init; }

    /// <summary>The output's configuration (common keys and its type's settings).</summary>
    public required OutputConfig Config { get; init; }

    /// <summary>Where the output logs.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>Wall clock and monotonic timestamps; a fake one in tests.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>The output's counters; the encoder and the transport update their halves.</summary>
    public required OutputCounters Counters { get; init; }

    /// <summary>
    /// True when the task replays a file: a transport whose receiver is slow waits for it (within a
    /// bound) instead of dropping, as the pipeline's queues do, so a replay loses nothing to congestion.
    /// </summary>
    public bool IsReplay { get; init; }

    /// <summary>The capture's snaplen (largest frame the output will see).</summary>
    public required int CaptureSnaplen { get; init; }

    /// <summary>How long the output may still wait once its task stops (shared by the task's outputs).</summary>
    public StopClock Stop { get; init; } = new();

    /// <summary>A name for log lines: <c>task-0/vxlan-1</c>.</summary>
    public string DisplayName => $"{TaskName}/{Config.Name}";
}
