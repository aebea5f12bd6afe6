namespace Cpworker.Engine.Logging;

/// <summary>Lets a repeated failure be logged at most once per interval (write errors: once a minute).</summary>
public sealed class LogThrottle
{
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;
    private long _next = long.MinValue;

    /// <summary>Creates a throttle that allows one line per <paramref name="interval"/>.</summary>
    public LogThrottle(TimeProvider time, TimeSpan interval)
    {
        _time = time;
        _intervalTicks = (long)(interval.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>True when this occurrence should be logged.</summary>
    public bool ShouldLog()
    {
        long now = _time.GetTimestamp();
        if (now < _next)
        {
            return false;
        }

        _next = now + _intervalTicks;
        return true;
    }
}
