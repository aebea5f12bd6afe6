using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>The <c>cpworker recv</c> receiver's log messages (event ids 800–899).</summary>
internal static partial class RecvLog
{
    /// <summary>The receiver cannot start.</summary>
    [LoggerMessage(EventId = 800, Level = LogLevel.Error, Message = "{Problem}; not starting")]
    public static partial void NotStarting(ILogger logger, string problem);

    /// <summary>A listener is open.</summary>
    [LoggerMessage(EventId = 801, Level = LogLevel.Information, Message = "listening on {Listener}")]
    public static partial void Listening(ILogger logger, string listener);

    /// <summary>Every listener is open.</summary>
    [LoggerMessage(EventId = 802, Level = LogLevel.Information, Message = "cpworker recv {Version} ready (pid {Pid}): {Count} listener(s), writing to {Output}")]
    public static partial void Ready(ILogger logger, string version, int pid, int count, string output);

    /// <summary>The periodic and the final counters line.</summary>
    [LoggerMessage(EventId = 803, Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void Summary(ILogger logger, string summary);

    /// <summary>A stop begins.</summary>
    [LoggerMessage(EventId = 804, Level = LogLevel.Information, Message = "stopping")]
    public static partial void Stopping(ILogger logger);

    /// <summary>A listener ended with an error (the whole exception, as text).</summary>
    [LoggerMessage(EventId = 805, Level = LogLevel.Error, Message = "{Listener}: stopped by an error: {Error}")]
    public static partial void ListenerFailed(ILogger logger, string listener, object error);

    /// <summary>recvmmsg(2) failed; the listener tries again.</summary>
    [LoggerMessage(EventId = 806, Level = LogLevel.Error, Message = "{Listener}: recvmmsg failed: {Error}")]
    public static partial void ReceiveFailed(ILogger logger, string listener, string error);

    /// <summary>The output file could not be completed at stop (its data stays in the .part file).</summary>
    [LoggerMessage(EventId = 807, Level = LogLevel.Error, Message = "cannot complete the output: {Reason}; what was received stays in the .part file")]
    public static partial void OutputNotCompleted(ILogger logger, string reason);
}
