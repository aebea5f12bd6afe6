namespace Cpworker.Engine.Runtime;

/// <summary>Lets a repeated failure be logged at most once per interval (write errors: once a minute).</summary>
internal sealed class LogThrottle
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private long _next = long.MinValue;

    /// <summary>Number of occurrences that were not logged since the last logged one.</summary>
    public long Suppressed { get; private set; }

    /// <summary>Creates a throttle that allows one line per <paramref name="interval"/>.</summary>
    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>True when this occurrence should be logged; counts the ones that should not.</summary>
    public bool ShouldLog()
    {
        long now = _time.GetTimestamp();
        if (now >= _next)
        {
            _next = now + _intervalTicks;
            Suppressed = 0;
            return true;
        }

        Suppressed++;
        return false;
    }
}
