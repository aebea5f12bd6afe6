namespace Cpworker.Tests.Support;

/// <summary>
/// A clock the test moves by hand: wall time (in a chosen time zone) and monotonic timestamps
/// advance together, so that code mixing <see cref="TimeProvider.GetUtcNow"/> and
/// <see cref="TimeProvider.GetTimestamp"/> sees one consistent time. Safe to read from any thread.
/// </summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly TimeZoneInfo _zone;
    private long _utcTicks;

    /// <summary>Monotonic ticks (100 ns); starts far from 0, as a real clock does.</summary>
    private long _timestamp = 1_000_000_000;

    /// <summary>Starts the clock at an arbitrary fixed instant, in UTC.</summary>
    public ManualClock()
        : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    /// <summary>Starts the clock at <paramref name="utcNow"/> in <paramref name="zone"/> (UTC when null).</summary>
    public ManualClock(DateTimeOffset utcNow, TimeZoneInfo? zone = null)
    {
        _utcTicks = utcNow.UtcTicks;
        _zone = zone ?? TimeZoneInfo.Utc;
    }

    /// <summary>A fixed-offset zone, e.g. +05:30, so tests do not depend on the machine's zone.</summary>
    public static TimeZoneInfo Zone(TimeSpan offset) =>
        TimeZoneInfo.CreateCustomTimeZone($"test{offset}", offset, $"test{offset}", $"test{offset}");

    /// <summary>Starts a clock showing <paramref name="local"/> in a zone of <paramref name="offset"/>.</summary>
    public static ManualClock AtLocal(DateTime local, TimeSpan offset) =>
        new(new DateTimeOffset(local, offset), Zone(offset));

    /// <inheritdoc/>
    public override TimeZoneInfo LocalTimeZone => _zone;

    /// <inheritdoc/>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The wall time in the clock's zone.</summary>
    public DateTimeOffset LocalNow => TimeZoneInfo.ConvertTime(GetUtcNow(), _zone);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(Volatile.Read(ref _utcTicks), TimeSpan.Zero);

    /// <inheritdoc/>
    public override long GetTimestamp() => Volatile.Read(ref _timestamp);

    /// <summary>Moves both clocks forward.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _timestamp, by.Ticks);
        Interlocked.Add(ref _utcTicks, by.Ticks);
    }

    /// <summary>Moves both clocks forward to local wall time <paramref name="local"/>.</summary>
    public void AdvanceToLocal(DateTime local)
    {
        DateTimeOffset target = new(local, _zone.GetUtcOffset(local));
        Advance(target - GetUtcNow());
    }
}
