using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

public class CpworkerEngineTests
{
    private static OutputConfig Recording(RecordingSink sink) =>
        new() { Index = 0, Type = RecordingOutputType.TypeName, Settings = new RecordingSettings(sink) };

    private static OutputTypeRegistry Registry() => new OutputTypeRegistry().Add(new RecordingOutputType());

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_task_that_cannot_start_is_retried_while_the_others_run(ExecutionModel model)
    {
        int attempts = 0;
        var healthySink = new RecordingSink();
        var flakySink = new RecordingSink();
        var frames = SchedulerHarness.Frames(200, runtEvery: int.MaxValue);
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks =
            [
                new TaskConfig { Index = 0, Name = "flaky", Capturer = new CustomCaptureConfig(() =>
                    new FakeSource(frames, lossless: false) { FailOpen = Interlocked.Increment(ref attempts) <= 2 ? "interface eth9 is down" : null }), Outputs = [Recording(flakySink)] },
                new TaskConfig { Index = 1, Name = "healthy", Capturer = new CustomCaptureConfig(() => new FakeSource(frames, lossless: false)), Outputs = [Recording(healthySink)] },
            ],
        };
        var log = new ListLogger();
        await using var engine = new CpworkerEngine(config, Registry(), log.Factory, retryInterval: TimeSpan.FromMilliseconds(200));
        engine.Start();

        Assert.That(Run.Until(() => engine.GetStatus()[0].State == TaskState.Failed, 10_000), Is.True, "the task is marked failed");
        Assert.That(engine.GetStatus()[0].Error, Does.Contain("eth9"));
        Assert.That(Run.Until(() => healthySink.Records().Count == 200, 10_000), Is.True, "the other task runs meanwhile");
        Assert.That(engine.Ready.Wait(10_000), Is.True, "ready once every task has started or failed");
        Assert.That(Run.Until(() => engine.GetStatus()[0].State == TaskState.Running, 10_000), Is.True, "the retry succeeds");
        Assert.That(Run.Until(() => flakySink.Records().Count == 200, 10_000), Is.True);
        Assert.That(attempts, Is.EqualTo(3));
        Assert.That(log.Contains("flaky: interface eth9 is down; retrying"), Is.True);

        await engine.StopAsync();
        Assert.That(engine.GetStatus().Select(s => s.State), Is.All.EqualTo(TaskState.Stopped));
        Assert.That(flakySink.Closed && healthySink.Closed, Is.True);
    }

    [Test]
    public async Task A_task_that_fails_while_running_keeps_its_counters_and_comes_back()
    {
        int starts = 0;
        var sink = new RecordingSink();
        var frames = SchedulerHarness.Frames(100, runtEvery: int.MaxValue);
        var config = new CpworkerConfig
        {
            Tasks = [new TaskConfig { Name = "t", Capturer = new CustomCaptureConfig(() =>
                new FakeSource(frames, lossless: false) { FailAfter = Interlocked.Increment(ref starts) == 1 ? 60 : -1 }), Outputs = [Recording(sink)] }],
        };
        await using var engine = new CpworkerEngine(config, Registry(), new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(100));
        engine.Start();
        Assert.That(Run.Until(() => starts == 2 && engine.GetStatus()[0].State == TaskState.Running, 10_000), Is.True);
        Assert.That(Run.Until(() => engine.GetStatus()[0].Capture.Packets == 160, 10_000), Is.True, "counters add over restarts");
        Assert.That(engine.GetStatus()[0].Outputs[0].Counters.ForwardedPackets, Is.EqualTo(160));
    }

    [Test]
    public async Task ReplaysFinished_completes_when_every_replay_has_ended()
    {
        var sink = new RecordingSink();
        var config = new CpworkerConfig
        {
            Tasks = [new TaskConfig { Name = "r", Capturer = new CustomCaptureConfig(() => new FakeSource(SchedulerHarness.Frames(500))) { IsReplay = true }, Outputs = [Recording(sink)] }],
        };
        await using var engine = new CpworkerEngine(config, Registry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(10_000), Is.True);
        await engine.StopAsync();
        Assert.That(sink.Records(), Has.Count.EqualTo(490));
    }
}
