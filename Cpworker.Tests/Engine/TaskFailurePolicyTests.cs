using System.Diagnostics;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Engine;

/// <summary>
/// How a failing task is retried (docs/operations.md, "Task failures"): a permanent failure once and
/// never again, a transient one with growing pauses and few log lines, and its last error stays
/// visible while the task starts again.
/// </summary>
[CancelAfter(60_000)]
public class TaskFailurePolicyTests
{
    private static OutputConfig Recording(RecordingSink sink) =>
        new() { Index = 0, Type = RecordingOutputType.TypeName, Settings = new RecordingSettings(sink) };

    private static OutputTypeRegistry Registry() => new OutputTypeRegistry().Add(new RecordingOutputType());

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_permanent_failure_is_logged_once_and_not_retried(ExecutionModel model)
    {
        int attempts = 0;
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks = [new TaskConfig { Name = "broken", Capturer = new CustomCaptureConfig(() =>
            {
                Interlocked.Increment(ref attempts);
                return new FakeSource([], lossless: false) { FailOpen = "bad filter", FailOpenPermanently = true };
            }), Outputs = [Recording(new RecordingSink())] }],
        };
        var log = new ListLogger();
        await using var engine = new CpworkerEngine(config, Registry(), log.Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();

        Assert.That(Run.Until(() => engine.GetStatus()[0].State == TaskState.Failed, 10_000), Is.True);
        // Twenty retry intervals: a retrying runner would have tried again many times by now.
        Assert.That(Run.Until(() => Volatile.Read(ref attempts) > 1, 1_000), Is.False, "not retried");
        Assert.That(engine.GetStatus()[0].Error, Is.EqualTo("bad filter"));
        Assert.That(log.Count(LogLevel.Error, "broken: bad filter; not retrying"), Is.EqualTo(1), log.ToString());
        Assert.That(log.Contains("retrying in"), Is.False, log.ToString());
    }

    [Test]
    public async Task A_transient_failure_is_retried_with_growing_pauses_and_few_log_lines()
    {
        var starts = new List<long>();
        var config = new CpworkerConfig
        {
            Tasks = [new TaskConfig { Name = "flaky", Capturer = new CustomCaptureConfig(() =>
            {
                lock (starts)
                {
                    starts.Add(Stopwatch.GetTimestamp());
                }

                return new FakeSource([], lossless: false) { FailOpen = "interface eth9 is down" };
            }), Outputs = [Recording(new RecordingSink())] }],
        };
        var log = new ListLogger();
        await using var engine = new CpworkerEngine(config, Registry(), log.Factory, retryInterval: TimeSpan.FromMilliseconds(40));
        engine.Start();

        // 40, 80, 160, 320, 480 (the cap: 12 × the first pause), 480 ms …
        Assert.That(Run.Until(() => { lock (starts) { return starts.Count >= 7; } }, 20_000), Is.True);
        await engine.StopAsync();
        double[] gaps;
        lock (starts)
        {
            gaps = starts.Zip(starts.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b).TotalMilliseconds).ToArray();
        }

        TestContext.Out.WriteLine("gaps (ms): " + string.Join(", ", gaps.Select(g => g.ToString("F0"))));
        Assert.That(gaps[0], Is.LessThan(gaps[3] / 3), "the pause grows");
        Assert.That(gaps[4], Is.GreaterThanOrEqualTo(470), "up to 12 × the first pause");
        Assert.That(gaps[5], Is.LessThan(1500), "and no further");
        int errors = log.Count(LogLevel.Error, "flaky: interface eth9 is down; retrying in");
        Assert.That(errors, Is.EqualTo(1), "the same failure is logged again only after a minute: " + log);
    }

    [Test]
    public async Task A_task_starting_again_after_a_failure_keeps_showing_its_last_error()
    {
        int attempts = 0;
        var config = new CpworkerConfig
        {
            Tasks = [new TaskConfig { Name = "flaky", Capturer = new CustomCaptureConfig(() =>
            {
                int n = Interlocked.Increment(ref attempts);
                Thread.Sleep(150); // a slow start: the task stays "starting" long enough to be seen
                return new FakeSource(SchedulerHarness.Frames(10, runtEvery: int.MaxValue), lossless: false) { FailOpen = n <= 2 ? $"interface eth9 is down ({n})" : null };
            }), Outputs = [Recording(new RecordingSink())] }],
        };
        await using var engine = new CpworkerEngine(config, Registry(), new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();

        var seen = new List<(TaskState, string?)>();
        Assert.That(Run.Until(() =>
        {
            TaskSnapshot s = engine.GetStatus()[0];
            seen.Add((s.State, s.Error));
            return s.State == TaskState.Running;
        }, 20_000, pollMs: 5), Is.True);
        var afterFirstFailure = seen.SkipWhile(x => x.Item1 != TaskState.Failed).ToList();
        Assert.That(afterFirstFailure.Any(x => x.Item1 == TaskState.Starting), Is.True, "saw it starting again");
        Assert.That(afterFirstFailure.Where(x => x.Item1 != TaskState.Running).Select(x => x.Item2), Has.All.StartsWith("interface eth9 is down"));
        Assert.That(engine.GetStatus()[0].Error, Is.Null, "running clears it");
    }

    [Test]
    public async Task ReplaysFinished_completes_when_a_replay_failed_permanently_and_the_others_ended()
    {
        var config = new CpworkerConfig
        {
            Tasks =
            [
                new TaskConfig { Index = 0, Name = "good", Capturer = new CustomCaptureConfig(() => new FakeSource(SchedulerHarness.Frames(50))) { IsReplay = true }, Outputs = [Recording(new RecordingSink())] },
                new TaskConfig { Index = 1, Name = "bad", Capturer = new CustomCaptureConfig(() => new FakeSource([]) { FailOpen = "not a pcap file", FailOpenPermanently = true }) { IsReplay = true }, Outputs = [Recording(new RecordingSink())] },
            ],
        };
        await using var engine = new CpworkerEngine(config, Registry(), new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(10_000), Is.True);
        Assert.That(engine.GetStatus()[1].State, Is.EqualTo(TaskState.Failed));
    }

    [Test]
    public async Task ReplaysFinished_waits_while_a_replay_fails_transiently()
    {
        var config = new CpworkerConfig
        {
            Tasks = [new TaskConfig { Name = "bad", Capturer = new CustomCaptureConfig(() => new FakeSource([]) { FailOpen = "disk busy" }) { IsReplay = true }, Outputs = [Recording(new RecordingSink())] }],
        };
        await using var engine = new CpworkerEngine(config, Registry(), new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();
        Assert.That(Run.Until(() => engine.GetStatus()[0].State == TaskState.Failed, 10_000), Is.True);
        Assert.That(engine.ReplaysFinished.Wait(500), Is.False);
    }
}
