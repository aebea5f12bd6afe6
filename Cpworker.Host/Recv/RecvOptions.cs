using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>Everything <c>cpworker recv</c> runs with, from the command line or a config file.</summary>
internal sealed record RecvOptions
{
    /// <summary>The listeners (at least one).</summary>
    public required IReadOnlyList<ListenerSpec> Listeners { get; init; }

    /// <summary>The output.</summary>
    public required RecvOutputSpec Output { get; init; }

    /// <summary>Seconds between the counter lines in the log; 0 = none.</summary>
    public int StatsIntervalSeconds { get; init; } = 60;

    /// <summary>The log level.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary><c>control.unix.path</c> / <c>--control-socket</c>: the control socket; null = none.</summary>
    public string? ControlSocketPath { get; init; }

    /// <summary><c>metrics.prometheus.listen</c> / <c>--prometheus-listen</c> (<c>HOST:PORT</c>); null = no endpoint.</summary>
    public string? PrometheusListen { get; init; }

    /// <summary>Absolute path of the configuration file (<c>info.config_path</c>); null when run from options.</summary>
    public string? ConfigPath { get; init; }
}
