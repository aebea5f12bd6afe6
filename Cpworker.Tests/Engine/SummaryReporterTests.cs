using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;

namespace Cpworker.Tests.Engine;

public class SummaryReporterTests
{
    [Test]
    public void A_task_summary_gives_rates_and_drops_over_the_interval()
    {
        var before = Status(new CaptureCounterSnapshot(1000, 1_000_000, 5, 0), new OutputCounterSnapshot(900, 900_000, 50, 50_000, 30, 30_000, 20, 20_000, 0));
        var now = Status(new CaptureCounterSnapshot(61_000, 76_000_000, 17, 0), new OutputCounterSnapshot(60_000, 75_000_000, 500, 500_000, 300, 300_000, 200, 200_000, 0));
        string line = SummaryReporter.Format(now, before, seconds: 60);
        Assert.That(line, Is.EqualTo(
            "t: running, 1000 pkt/s, 10.00 Mbit/s captured; kernel drops 12; forwarded 59100, dropped: direction 450, rate limit 270, error 180"));
        Assert.That(SummaryReporter.Interval, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    private static Cpworker.Engine.Runtime.TaskSnapshot Status(CaptureCounterSnapshot capture, OutputCounterSnapshot output) =>
        new("t", null, TaskState.Running, null, capture, [new OutputStatus("null-0", "null", output)]);
}
