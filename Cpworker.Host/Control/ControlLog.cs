using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Control;

/// <summary>The control socket's log messages (event ids 600–699).</summary>
internal static partial class ControlLog
{
    /// <summary>A client sent nothing for the idle timeout.</summary>
    [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "control: pid {Pid} silent for {Seconds} s; disconnecting")]
    public static partial void IdleDisconnect(ILogger logger, int pid, int seconds);

    /// <summary>Serving a client failed; the connection is closed.</summary>
    [LoggerMessage(EventId = 601, Level = LogLevel.Error, Message = "control: client pid {Pid} failed: {Reason}")]
    public static partial void ClientFailed(ILogger logger, int pid, string reason);

    /// <summary>The socket is bound.</summary>
    [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "control socket listening on {Path}")]
    public static partial void Listening(ILogger logger, string path);

    /// <summary>accept(2) failed; the server tries again.</summary>
    [LoggerMessage(EventId = 603, Level = LogLevel.Warning, Message = "control socket: accept failed: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    /// <summary>SO_PEERCRED could not be read; the client is closed.</summary>
    [LoggerMessage(EventId = 604, Level = LogLevel.Warning, Message = "control socket: cannot read the peer's credentials ({Reason}); closing")]
    public static partial void CredentialsUnreadable(ILogger logger, string reason);

    /// <summary>A client of another user was refused (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 605, Level = LogLevel.Warning, Message = "control socket: refused pid {Pid} uid {Uid}: only root and uid {Own} may connect")]
    public static partial void PeerRefused(ILogger logger, int pid, uint uid, uint own);

    /// <summary>A command arrived.</summary>
    [LoggerMessage(EventId = 606, Level = LogLevel.Debug, Message = "control: {Command}")]
    public static partial void Command(ILogger logger, string command);

    /// <summary>The log level was changed through the socket.</summary>
    [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "log level set to {Level} through the control socket")]
    public static partial void LogLevelSet(ILogger logger, string level);

    /// <summary>A reload_config request waits for the reload's outcome.</summary>
    [LoggerMessage(EventId = 608, Level = LogLevel.Debug, Message = "control: reload_config (waiting for the outcome)")]
    public static partial void ReloadWaiting(ILogger logger);
}
