namespace Cpworker.Tests.Files;

/// <summary><c>rotating_file</c> under the rtc model.</summary>
[TestFixture]
public sealed class RotatingFileOutputRtcTests : RotatingFileOutputContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Rtc;
}
