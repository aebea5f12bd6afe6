using Cpworker.Tests.Support;
using Cpworker.Outputs.RotatingFile;

namespace Cpworker.Tests.Files;

/// <summary>Rotation periods aligned on the local clock.</summary>
[TestFixture]
public sealed class RotationScheduleTests
{
    [Test]
    public void Hourly_periods_start_on_the_local_hour()
    {
        var schedule = new RotationSchedule(ManualClock.AtLocal(new DateTime(2024, 1, 1), new TimeSpan(5, 30, 0)), 3600);
        var before = new DateTimeOffset(2024, 5, 6, 5, 29, 59, TimeSpan.Zero); // 10:59:59 local
        var at = new DateTimeOffset(2024, 5, 6, 5, 30, 0, TimeSpan.Zero);      // 11:00:00 local
        Assert.That(RotationSchedule.ToInstant(schedule.PeriodStart(before)), Is.EqualTo(new DateTimeOffset(2024, 5, 6, 4, 30, 0, TimeSpan.Zero)));
        Assert.That(RotationSchedule.ToInstant(schedule.PeriodStart(at)), Is.EqualTo(at));
    }

    [Test]
    public void Five_minute_periods()
    {
        var schedule = new RotationSchedule(ManualClock.AtLocal(new DateTime(2024, 1, 1), TimeSpan.FromHours(-7)), 300);
        var t = new DateTimeOffset(2024, 5, 6, 10, 7, 31, TimeSpan.FromHours(-7));
        Assert.That(RotationSchedule.ToInstant(schedule.PeriodStart(t)), Is.EqualTo(new DateTimeOffset(2024, 5, 6, 10, 5, 0, TimeSpan.FromHours(-7))));
    }

    [Test]
    public void Interval_zero_is_one_endless_period()
    {
        var schedule = new RotationSchedule(new ManualClock(DateTimeOffset.UnixEpoch), 0);
        Assert.That(schedule.Rotates, Is.False);
        Assert.That(schedule.PeriodStart(DateTimeOffset.UtcNow), Is.Zero);
    }

    [TestCase(60, 2 * 1440, 2 * 1440)]
    [TestCase(3600, 48, 48)] // spring: 01:00 → 03:00 local is one UTC hour; autumn: 02:00 twice
    [TestCase(10800, 16, 16)]
    [TestCase(86400, 2, 2)]
    public void Rotations_follow_the_local_clock_across_daylight_saving_changes(int interval, int springRotations, int autumnRotations)
    {
        TimeZoneInfo zone = TestZones.CentralEuropean;
        var schedule = new RotationSchedule(new ZoneClock(zone), interval);
        // Two days around each 2024 change: 31 March 02:00 → 03:00 and 27 October 03:00 → 02:00.
        var spring = new DateTimeOffset(2024, 3, 30, 0, 0, 0, TimeSpan.Zero);
        var autumn = new DateTimeOffset(2024, 10, 26, 0, 0, 0, TimeSpan.Zero);
        foreach ((DateTimeOffset from, int expected) in new[] { (spring, springRotations), (autumn, autumnRotations) })
        {
            // The transport's rule: a new file when the period start exceeds the current one.
            long current = schedule.PeriodStart(from);
            Assert.That(current, Is.LessThanOrEqualTo(from.UtcTicks));
            var rotations = new List<DateTimeOffset>();
            for (DateTimeOffset t = from.AddSeconds(30); t <= from.AddDays(2); t = t.AddSeconds(30))
            {
                long start = schedule.PeriodStart(t);
                Assert.That(start, Is.LessThanOrEqualTo(t.UtcTicks), $"a period cannot start after {t:O}");
                if (start > current)
                {
                    rotations.Add(t);
                    current = start;
                }
            }

            Assert.That(rotations, Has.Count.EqualTo(expected), $"from {from:O}");
            foreach (DateTimeOffset r in rotations)
            {
                TimeSpan local = TimeZoneInfo.ConvertTime(r, zone).TimeOfDay;
                Assert.That(local.TotalSeconds % interval, Is.Zero, $"rotation at {r:O} is not at a local multiple of {interval} s");
            }
        }
    }

    [Test]
    public void The_repeated_autumn_hour_gets_a_period_of_its_own()
    {
        var schedule = new RotationSchedule(new ZoneClock(TestZones.CentralEuropean), 3600);
        var firstTwoOClock = new DateTimeOffset(2024, 10, 27, 0, 30, 0, TimeSpan.Zero);  // 02:30 CEST
        var secondTwoOClock = new DateTimeOffset(2024, 10, 27, 1, 30, 0, TimeSpan.Zero); // 02:30 CET
        Assert.That(schedule.PeriodStart(secondTwoOClock), Is.GreaterThan(schedule.PeriodStart(firstTwoOClock)));
    }

    private sealed class ZoneClock(TimeZoneInfo zone) : TimeProvider
    {
        public override TimeZoneInfo LocalTimeZone => zone;
    }
}
