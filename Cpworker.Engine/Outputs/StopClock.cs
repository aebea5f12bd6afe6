namespace Cpworker.Engine.Outputs;

/// <summary>
/// How long an output may still wait now that its task is stopping (a receiver to take the last
/// batch, a linger). One budget for every output of the task, so that waits one after another
/// still end within the daemon's 3 s stop.
/// </summary>
public sealed class StopClock
{
    /// <summary>Time the outputs' closing waits get from the stop request.</summary>
    internal static readonly TimeSpan CloseBudget = TimeSpan.FromMilliseconds(1500);

    /// <summary><see cref="Environment.TickCount64"/> when waiting must end; max while running.</summary>
    private long _deadline = long.MaxValue;

    /// <summary>True once the task is stopping.</summary>
    public bool Stopping => Volatile.Read(ref _deadline) != long.MaxValue;

    /// <summary>Starts the budget (the first call counts).</summary>
    internal void Begin(TimeSpan budget) =>
        Interlocked.CompareExchange(ref _deadline, Environment.TickCount64 + (long)budget.TotalMilliseconds, long.MaxValue);

    /// <summary>Ends the budget at once (abort).</summary>
    internal void Expire() => Volatile.Write(ref _deadline, Environment.TickCount64);

    /// <summary><paramref name="wait"/>, cut to what is left of the budget.</summary>
    public TimeSpan Limit(TimeSpan wait)
    {
        long deadline = Volatile.Read(ref _deadline);
        if (deadline == long.MaxValue)
        {
            return wait;
        }

        long left = Math.Max(0, deadline - Environment.TickCount64);
        return left < wait.TotalMilliseconds ? TimeSpan.FromMilliseconds(left) : wait;
    }
}
