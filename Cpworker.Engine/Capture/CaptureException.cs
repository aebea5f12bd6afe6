namespace Cpworker.Engine.Capture;

/// <summary>A capture source could not open or failed while running; the message names what is wrong.</summary>
/// <remarks>
/// A task that fails with a <em>permanent</em> exception (<see cref="IsPermanent"/>: a filter that
/// does not compile, a replay file that is not a pcap file) is not retried: only a new
/// configuration can fix it. Any other failure may heal (an interface comes back) and is retried
/// with back-off (docs/operations.md, "Task failures").
/// </remarks>
public sealed class CaptureException : Exception
{
    /// <summary>Creates a transient failure (retried).</summary>
    public CaptureException(string message) : base(message)
    {
    }

    /// <summary>Creates a transient failure (retried) with its cause.</summary>
    public CaptureException(string message, Exception inner) : base(message, inner)
    {
    }

    /// <summary>Creates a failure that is permanent (not retried) when <paramref name="permanent"/> is true.</summary>
    public CaptureException(string message, bool permanent) : base(message)
    {
        IsPermanent = permanent;
    }

    /// <summary>True when retrying cannot help: the task stays failed until its configuration changes.</summary>
    public bool IsPermanent { get; }
}
