using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.RotatingFile;

/// <summary>The <c>rotating_file</c> object of an output (docs/configuration.md, "rotating_file").</summary>
internal sealed partial record RotatingFileSettings : OutputSettings
{
    /// <summary>Default <c>max_file_interval</c> in seconds.</summary>
    public const int DefaultIntervalSeconds = 60;

    /// <summary><c>file_root</c>, variables expanded, made absolute.</summary>
    public required string FileRoot { get; init; }

    /// <summary><c>max_file_interval</c> in seconds; 0 = never rotate.</summary>
    public int MaxFileIntervalSeconds { get; init; } = DefaultIntervalSeconds;

    /// <summary><c>max_file_size_mb</c> in bytes: a file is completed before it would grow past it; 0 = no size rule.</summary>
    public long MaxFileSizeBytes { get; init; }

    /// <summary><c>max_files</c>: complete files kept; 0 = all.</summary>
    public int MaxFiles { get; init; }

    /// <inheritdoc/>
    public override string? ExclusiveResource => "dir:" + FileRoot;
}
