using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>The engine's and the task runners' log messages (event ids 300–399).</summary>
internal static partial class RuntimeLog
{
    /// <summary>A reload changed or removed a task.</summary>
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "{Task}: {What}; draining and stopping")]
    public static partial void TaskLeaving(ILogger logger, string task, string what);

    /// <summary>A reload changed the execution model.</summary>
    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "execution_model is now {Model}: new and changed tasks use it; unchanged tasks keep {Old} until they restart")]
    public static partial void ExecutionModelChanged(ILogger logger, string model, string old);

    /// <summary>A reload changed cpu_affinity, which only a restart applies.</summary>
    [LoggerMessage(EventId = 302, Level = LogLevel.Warning, Message = "cpu_affinity changed: it applies at the next start of cpworker, not at reload")]
    public static partial void CpuAffinityChanged(ILogger logger);

    /// <summary>A reload changed the control socket path, which only a restart applies.</summary>
    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "control.unix.path changed: the control socket moves at the next start of cpworker, not at reload")]
    public static partial void ControlSocketPathChanged(ILogger logger);

    /// <summary>A stopping task did not drain in time; what is queued is dropped.</summary>
    [LoggerMessage(EventId = 304, Level = LogLevel.Warning, Message = "{Task}: not drained within {Timeout} ms; dropping what is still queued")]
    public static partial void NotDrained(ILogger logger, string task, int timeout);

    /// <summary>A task has started.</summary>
    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "{Task}: running ({Source}, {Outputs} output(s), {Model})")]
    public static partial void TaskRunning(ILogger logger, string task, string source, int outputs, string model);

    /// <summary>One output of a task that has started.</summary>
    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "{Task}/{Output}: {What}")]
    public static partial void OutputRunning(ILogger logger, string task, string output, string what);

    /// <summary>A task's threads overran their stop; its resources stay open until they end.</summary>
    [LoggerMessage(EventId = 307, Level = LogLevel.Error, Message = "{Task}: its threads did not end; its capture and outputs are left open")]
    public static partial void ThreadsDidNotEnd(ILogger logger, string task);

    /// <summary>A task failed in a way no retry can fix.</summary>
    [LoggerMessage(EventId = 308, Level = LogLevel.Error, Message = "{Task}: {Reason}; not retrying: this cannot work until the configuration changes")]
    public static partial void NotRetrying(ILogger logger, string task, string reason);

    /// <summary>A task failed again the same way within a minute (logged at debug level only).</summary>
    [LoggerMessage(EventId = 309, Level = LogLevel.Debug, Message = "{Task}: {Reason}; retrying in {Retry}")]
    public static partial void RetryingAgain(ILogger logger, string task, string reason, string retry);

    /// <summary>A task failed and will be retried.</summary>
    [LoggerMessage(EventId = 310, Level = LogLevel.Error, Message = "{Task}: {Reason}; retrying in {Retry}{Repeated}")]
    public static partial void Retrying(ILogger logger, string task, string reason, string retry, string repeated);

    /// <summary>The periodic per-task summary line.</summary>
    [LoggerMessage(EventId = 311, Level = LogLevel.Information, Message = "{Summary}")]
    public static partial void Summary(ILogger logger, string summary);

    /// <summary>A task's network namespace was replaced (pod restart, re-created named netns): the capture moves to the new one.</summary>
    [LoggerMessage(EventId = 312, Level = LogLevel.Warning, Message = "{Task}: {Change}; restarting the capture there")]
    public static partial void NamespaceMoved(ILogger logger, string task, string change);

    /// <summary>While a failed task waited to retry, its namespace reference came to name a new namespace.</summary>
    [LoggerMessage(EventId = 313, Level = LogLevel.Information, Message = "{Task}: netns {Netns} is now net:[{Inode}]; retrying at once")]
    public static partial void NamespaceAppeared(ILogger logger, string task, string netns, ulong inode);
}
