namespace Cpworker.Tests.Files;

/// <summary>Time zones built in code, so that tests need no tz database and do not depend on the machine's zone.</summary>
internal static class TestZones
{
    /// <summary>Central European rules: +01:00, +02:00 from the last Sunday of March 02:00 to the last Sunday of October 03:00.</summary>
    public static TimeZoneInfo CentralEuropean { get; } = CreateCentralEuropean();

    private static TimeZoneInfo CreateCentralEuropean()
    {
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            new DateTime(2000, 1, 1),
            new DateTime(2100, 12, 31),
            TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday));
        return TimeZoneInfo.CreateCustomTimeZone("test-cet", TimeSpan.FromHours(1), "test-cet", "CET", "CEST", [rule]);
    }
}
