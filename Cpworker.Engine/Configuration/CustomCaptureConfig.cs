using Cpworker.Engine.Capture;

namespace Cpworker.Engine.Configuration;

/// <summary>A capture supplied in code rather than by a <c>capturer</c> object (tests, embedding applications).</summary>
/// <param name="CreateSource">Creates a fresh, unopened source each time the task starts.</param>
internal sealed record CustomCaptureConfig(Func<PacketSource> CreateSource) : CaptureConfig
{
    /// <summary>True when the source ends (a replay): the engine waits for it with <c>ReplaysFinished</c>.</summary>
    public bool IsReplay { get; init; }
}
