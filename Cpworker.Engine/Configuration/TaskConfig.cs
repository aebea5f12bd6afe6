namespace Cpworker.Engine.Configuration;

/// <summary>One capture task: where packets come from, how their direction is found, where they go.</summary>
public sealed record TaskConfig
{
    /// <summary>Position in <c>tasks</c>.</summary>
    public int Index { get; init; }

    /// <summary><c>name</c> (default <c>task-&lt;index&gt;</c>).</summary>
    public string Name { get; init; } = "";

    /// <summary><c>fingerprint</c>: identifies the task across reloads when set.</summary>
    public string? Fingerprint { get; init; }

    /// <summary><c>req_pattern</c>; null = direction not checked.</summary>
    public DirectionConfig? ReqPattern { get; init; }

    /// <summary><c>capturer</c>.</summary>
    public required CaptureConfig Capturer { get; init; }

    /// <summary><c>outputs</c>.</summary>
    public IReadOnlyList<OutputConfig> Outputs { get; init; } = [];

    /// <summary>
    /// The task's identity across reloads: its fingerprint when set, else a canonical form of its
    /// whole configuration, so that an unchanged task is recognised and keeps running.
    /// </summary>
    public string Identity { get; init; } = "";
}
