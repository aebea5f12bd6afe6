namespace Cpworker.Tests.Network;

/// <summary>A clock that moves only when the test says so (monotonic and wall clock together).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _ticks;
    private DateTimeOffset _utc;

    /// <summary>Starts at <paramref name="utc"/> with the monotonic clock at an arbitrary non-zero value.</summary>
    public ManualTimeProvider(DateTimeOffset utc)
    {
        _utc = utc;
        _ticks = 1_000_000_000;
    }

    /// <inheritdoc/>
    public override long TimestampFrequency => 1_000_000_000;

    /// <inheritdoc/>
    public override long GetTimestamp() => Volatile.Read(ref _ticks);

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => _utc;

    /// <summary>Moves both clocks forward.</summary>
    public void Advance(TimeSpan by)
    {
        Interlocked.Add(ref _ticks, by.Ticks * 100);
        _utc += by;
    }
}
