namespace Cpworker.Tests.Capture;

/// <summary>A monotonic clock that moves only when the test says so (1 tick = 1 ns).</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _now = 1_000_000_000;

    public override long TimestampFrequency => 1_000_000_000;

    public override long GetTimestamp() => Interlocked.Read(ref _now);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _now, by.Ticks * 100);
}
