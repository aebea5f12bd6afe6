namespace Cpworker.Engine.Configuration;

/// <summary>One entry of a task's <c>outputs</c>.</summary>
public sealed record OutputConfig
{
    /// <summary>Position in the task's <c>outputs</c>.</summary>
    public int Index { get; init; }

    /// <summary><c>type</c>: the name of a registered output type.</summary>
    public required string Type { get; init; }

    /// <summary><c>rate_limit_mbps</c>; 0 = unlimited.</summary>
    public int RateLimitMbps { get; init; }

    /// <summary><c>slice</c>: bytes of each frame this output keeps; 0 = whole frame.</summary>
    public int Slice { get; init; }

    /// <summary>The settings of the object named by <see cref="Type"/>, as its output type parsed them.</summary>
    public required OutputSettings Settings { get; init; }

    /// <summary>A name for logs and counters: <c>&lt;type&gt;-&lt;index&gt;</c>.</summary>
    public string Name => $"{Type}-{Index}";
}
