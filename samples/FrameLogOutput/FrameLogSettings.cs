using Cpworker.Engine.Configuration;

/// <summary>The <c>frame_log</c> object: where the frames go.</summary>
/// <param name="Path">The file, variables expanded, made absolute.</param>
internal sealed record FrameLogSettings(string Path) : OutputSettings
{
    /// <summary>Two outputs may not write one file.</summary>
    public override string? ExclusiveResource => Path;
}
