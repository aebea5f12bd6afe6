namespace Cpworker.Tests.Files;

/// <summary><c>file</c> under the pipeline model.</summary>
[TestFixture]
public sealed class FileOutputPipelineTests : FileOutputContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Pipeline;
}
