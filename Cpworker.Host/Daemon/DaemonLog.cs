using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>The daemon's own log messages: start, stop, reload, systemd (event ids 700–799).</summary>
internal static partial class DaemonLog
{
    /// <summary>A reload arrived before the engine runs or after it stopped.</summary>
    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "reload ignored: the daemon is not running")]
    public static partial void ReloadIgnored(ILogger logger);

    /// <summary>A reload starts.</summary>
    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "reloading {Config}")]
    public static partial void Reloading(ILogger logger, string config);

    /// <summary>A reload was applied.</summary>
    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "reload complete: {Summary}")]
    public static partial void ReloadComplete(ILogger logger, string summary);

    /// <summary>A reload failed; the running configuration stays.</summary>
    [LoggerMessage(EventId = 703, Level = LogLevel.Error, Message = "reload failed: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string reason);

    /// <summary>NOTIFY_SOCKET is set but unusable.</summary>
    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "NOTIFY_SOCKET={Socket}: cannot notify systemd: {Reason}")]
    public static partial void NotifySocketUnusable(ILogger logger, string socket, string reason);

    /// <summary>A notification to systemd failed.</summary>
    [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "cannot notify systemd: {Reason}")]
    public static partial void NotifyFailed(ILogger logger, string reason);

    /// <summary>A process-wide problem stops the start.</summary>
    [LoggerMessage(EventId = 706, Level = LogLevel.Error, Message = "{Problem}; not starting")]
    public static partial void NotStarting(ILogger logger, string problem);

    /// <summary>The daemon starts its tasks.</summary>
    [LoggerMessage(EventId = 707, Level = LogLevel.Information, Message = "cpworker {Version} starting (pid {Pid}): {Tasks} task(s), {Model} model, config {Config}")]
    public static partial void Starting(ILogger logger, string version, int pid, int tasks, string model, string config);

    /// <summary><c>--exit-at-eof</c> without a replay task: nothing will end the run.</summary>
    [LoggerMessage(EventId = 708, Level = LogLevel.Warning, Message = "--exit-at-eof: no pcap_file task; running until stopped")]
    public static partial void ExitAtEofWithoutReplay(ILogger logger);

    /// <summary>A stop begins (signal, shutdown command, end of the replays).</summary>
    [LoggerMessage(EventId = 709, Level = LogLevel.Information, Message = "{Reason}: stopping")]
    public static partial void Stopping(ILogger logger, string reason);

    /// <summary>The stop overran its deadline.</summary>
    [LoggerMessage(EventId = 710, Level = LogLevel.Error, Message = "stop did not complete within {Ms} ms; exiting")]
    public static partial void StopTimedOut(ILogger logger, int ms);

    /// <summary>The stop completed.</summary>
    [LoggerMessage(EventId = 711, Level = LogLevel.Information, Message = "stopped in {Ms} ms")]
    public static partial void Stopped(ILogger logger, long ms);

    /// <summary><c>--exit-at-eof</c> ended with failed replays.</summary>
    [LoggerMessage(EventId = 712, Level = LogLevel.Error, Message = "--exit-at-eof: {Count} replay task(s) failed ({Tasks}); exit code 1")]
    public static partial void ReplaysFailed(ILogger logger, int count, string tasks);

    /// <summary><c>--exit-at-eof</c> ended after outputs dropped packets they could not send or write.</summary>
    [LoggerMessage(EventId = 720, Level = LogLevel.Error, Message = "--exit-at-eof: {Packets} packet(s) were lost to output errors ({Outputs}); exit code 1")]
    public static partial void ReplayOutputsLost(ILogger logger, long packets, string outputs);

    /// <summary>One problem of a config or host check, as an error or a warning.</summary>
    [LoggerMessage(EventId = 713, Message = "{Prefix}{Problem}")]
    public static partial void CheckProblem(ILogger logger, LogLevel level, string prefix, string problem);

    /// <summary>The configuration is invalid at start.</summary>
    [LoggerMessage(EventId = 714, Level = LogLevel.Error, Message = "{Config}: invalid configuration ({Errors} error(s)), not starting")]
    public static partial void ConfigInvalid(ILogger logger, string config, int errors);

    /// <summary>The configuration is invalid at reload.</summary>
    [LoggerMessage(EventId = 715, Level = LogLevel.Error, Message = "reload failed: {Config} is invalid ({Errors} error(s)); the running configuration is unchanged")]
    public static partial void ReloadConfigInvalid(ILogger logger, string config, int errors);

    /// <summary>The host cannot run the configuration at start.</summary>
    [LoggerMessage(EventId = 716, Level = LogLevel.Error, Message = "{Config}: cannot run on this host ({Errors} error(s)), not starting")]
    public static partial void HostUnfit(ILogger logger, string config, int errors);

    /// <summary>The host cannot run the configuration at reload.</summary>
    [LoggerMessage(EventId = 717, Level = LogLevel.Error, Message = "reload failed: {Config} cannot run on this host ({Errors} error(s)); the running configuration is unchanged")]
    public static partial void ReloadHostUnfit(ILogger logger, string config, int errors);

    /// <summary>The config watcher failed one check (it keeps watching).</summary>
    [LoggerMessage(EventId = 718, Level = LogLevel.Warning, Message = "config watch: {Reason}")]
    public static partial void ConfigWatchFailed(ILogger logger, string reason);

    /// <summary>The watched config file has new content (rewritten, or a ConfigMap symlink swap): a reload follows.</summary>
    [LoggerMessage(EventId = 719, Level = LogLevel.Information, Message = "{Config} changed on disk ({How}); reloading")]
    public static partial void ConfigChanged(ILogger logger, string config, string how);
}
