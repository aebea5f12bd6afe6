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
}
