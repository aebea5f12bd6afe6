namespace Cpworker.Tests.Files;

/// <summary><c>rotating_file</c> under the pipeline model.</summary>
[TestFixture]
public sealed class RotatingFileOutputPipelineTests : RotatingFileOutputContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Pipeline;
}
