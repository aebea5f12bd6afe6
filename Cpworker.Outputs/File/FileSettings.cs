using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.File;

/// <summary>The <c>file</c> object of an output (docs/configuration.md, "file").</summary>
internal sealed partial record FileSettings : OutputSettings
{
    /// <summary><c>name</c>, variables expanded, made absolute.</summary>
    public required string Name { get; init; }

    /// <summary><c>timestamp_precision</c>.</summary>
    public TimestampPrecision TimestampPrecision { get; init; } = TimestampPrecision.Micro;

    /// <inheritdoc/>
    public override string? ExclusiveResource => "file:" + Name;
}
