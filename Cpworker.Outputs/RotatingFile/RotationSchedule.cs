namespace Cpworker.Outputs.RotatingFile;

/// <summary>
/// When <c>rotating_file</c> starts a new file: every <c>max_file_interval</c> seconds of wall-clock
/// time, aligned to multiples of the interval on the local clock (3600 rotates on the hour, 300 at
/// :00, :05 …, also in a zone with a half-hour offset).
/// </summary>
/// <remarks>
/// A period is identified by the UTC instant at which it began; starts only grow, so callers start
/// a new file when the start exceeds the current file's. Across daylight-saving changes a daily
/// period still ends at local midnight only, the hour the autumn repeats gets a file of its own, and
/// a period whose local start was skipped in spring begins when the clock jumps past it.
/// Immutable; safe to share between the encoder and the transport.
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

        TimeZoneInfo zone = _time.LocalTimeZone;
        long offset = zone.GetUtcOffset(instant).Ticks;
        long local = instant.UtcTicks + offset;
        long localStart = local - (local % _intervalTicks); // ticks count from year 1: never negative

        // The offset in force when the period began, which differs from now's when a daylight-saving
        // change lies inside the period (a daily file must not end at the change). A start the clock
        // showed twice resolves to the later instant; if that is still ahead of us, we are in the
        // first pass and now's offset is the right one.
        long start = localStart - zone.GetUtcOffset(new DateTime(localStart, DateTimeKind.Unspecified)).Ticks;
        return start <= instant.UtcTicks ? start : localStart - offset;
    }

    /// <summary>The period that contains the present moment.</summary>
    public long CurrentPeriodStart() => PeriodStart(_time.GetUtcNow());

    /// <summary>A period start as an instant.</summary>
    public static DateTimeOffset ToInstant(long periodStart) => new(periodStart, TimeSpan.Zero);
}
