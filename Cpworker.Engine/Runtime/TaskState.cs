namespace Cpworker.Engine.Runtime;

/// <summary>Where a task is in its life.</summary>
public enum TaskState
{
    /// <summary>Opening its capture and outputs.</summary>
    Starting,

    /// <summary>Capturing and forwarding.</summary>
    Running,

    /// <summary>Could not start or failed while running; retried with back-off (5 s → 60 s) unless the failure is permanent.</summary>
    Failed,

    /// <summary>Stopped (engine stop, or removed at reload).</summary>
    Stopped,
}
