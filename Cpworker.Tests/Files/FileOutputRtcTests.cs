namespace Cpworker.Tests.Files;

/// <summary><c>file</c> under the rtc model.</summary>
[TestFixture]
public sealed class FileOutputRtcTests : FileOutputContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Rtc;
}
