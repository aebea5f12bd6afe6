using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Configuration;

/// <summary>A whole, validated cpworker configuration (docs/configuration.md).</summary>
public sealed record CpworkerConfig
{
    /// <summary><c>log_level</c>: DEBUG, INFO, WARN or ERROR.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary><c>cpu_affinity</c>: the CPUs every cpworker thread may run on, in pinning order; null = no restriction.</summary>
    public IReadOnlyList<int>? CpuAffinity { get; init; }

    /// <summary><c>execution_model</c>.</summary>
    public ExecutionModel ExecutionModel { get; init; } = ExecutionModel.Rtc;

    /// <summary><c>pipeline.buffer_size_mb</c>: packet data in flight per task under the pipeline model.</summary>
    public int? PipelineBufferSizeMb { get; init; }

    /// <summary><c>control.unix.path</c>; null when no control socket is configured.</summary>
    public string? ControlSocketPath { get; init; }

    /// <summary><c>metrics.prometheus.listen</c> (<c>HOST:PORT</c>): where the daemon serves Prometheus metrics; null = off.</summary>
    public string? PrometheusListen { get; init; }

    /// <summary><c>tasks</c>.</summary>
    public IReadOnlyList<TaskConfig> Tasks { get; init; } = [];
}
