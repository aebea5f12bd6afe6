namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// When <c>rotating_file</c> starts a new file: every <c>max_file_interval</c> seconds of wall-clock
/// time, aligned to multiples of the interval on the local clock (3600 rotates on the hour, 300 at
/// :00, :05 …, also in a zone with a half-hour offset).
/// </summary>
/// <remarks>
/// A period is identified by the UTC instant at which it began. Across a daylight-saving change
/// period starts never go backwards, so comparing them with &gt; never starts a second file for an
/// hour the clock repeats. Immutable; safe to share between the encoder and the transport.
/// </remarks>
internal sealed class RotationSchedule
{
    private readonly TimeProvider _time;

    /// <summary>The interval in <see cref="TimeSpan"/> ticks; 0 = never rotate.</summary>
    private readonly long _intervalTicks;

    /// <summary>Creates the schedule; <paramref name="intervalSeconds"/> 0 never rotates.</summary>
    public RotationSchedule(TimeProvider time, int intervalSeconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intervalSeconds);
        _time = time;
        _intervalTicks = intervalSeconds * TimeSpan.TicksPerSecond;
    }

    /// <summary>False when <c>max_file_interval</c> is 0.</summary>
    public bool Rotates => _intervalTicks > 0;

    /// <summary>
    /// The start (UTC ticks) of the period that contains <paramref name="instant"/>; 0 when the
    /// schedule never rotates (one endless period).
    /// </summary>
    public long PeriodStart(DateTimeOffset instant)
    {
        if (_intervalTicks == 0)
        {
            return 0;
        }

        long offset = _time.LocalTimeZone.GetUtcOffset(instant).Ticks;
        long local = instant.UtcTicks + offset;
        long start = local - (local % _intervalTicks); // UtcTicks count from year 1: never negative
        return start - offset;
    }

    /// <summary>The period that contains the present moment.</summary>
    public long CurrentPeriodStart() => PeriodStart(_time.GetUtcNow());

    /// <summary>A period start as an instant.</summary>
    public static DateTimeOffset ToInstant(long periodStart) => new(periodStart, TimeSpan.Zero);
}
