using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>What a source type's host check is given.</summary>
internal sealed class SourceHostCheck
{
    /// <summary>JSON path of the type's object (<c>tasks[0].capturer.libpcap</c>).</summary>
    public required string Path { get; init; }

    /// <summary>Where problems go.</summary>
    public required ConfigDiagnostics Diagnostics { get; init; }

    /// <summary>The loop guard the source would run with (<see cref="SourceType.UsesLoopGuard"/>); null when none.</summary>
    public string? LoopGuard { get; init; }

    /// <summary>
    /// Builds the task's direction classifier once for a capture on the given interface (null: none),
    /// reporting what is missing; a source type calls it where the capture runs (inside its netns).
    /// </summary>
    public Action<string?> CheckDirection { get; init; } = _ => { };
}
