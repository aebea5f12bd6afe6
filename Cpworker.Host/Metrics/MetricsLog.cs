using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Metrics;

/// <summary>The metrics endpoint's log messages (event ids 900–999).</summary>
internal static partial class MetricsLog
{
    /// <summary>The Prometheus endpoint listens.</summary>
    [LoggerMessage(EventId = 900, Level = LogLevel.Information, Message = "metrics: Prometheus endpoint {Url}")]
    public static partial void Listening(ILogger logger, string url);

    /// <summary>The endpoint cannot listen; the daemon runs without it.</summary>
    [LoggerMessage(EventId = 901, Level = LogLevel.Error, Message = "metrics: cannot listen on {Listen}: {Reason}; running without the Prometheus endpoint")]
    public static partial void CannotListen(ILogger logger, string listen, string reason);
}
