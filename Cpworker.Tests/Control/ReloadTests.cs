using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Cpworker.Tests.Engine;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// Reload in the engine (docs/operations.md, "Reload"): unchanged tasks are not touched and lose no packet,
/// changed ones are rebuilt with their new settings, removed ones drained, totals keep them.
/// </summary>
[CancelAfter(120_000)]
public class ReloadTests
{
    private static OutputTypeRegistry Registry() => new OutputTypeRegistry().Add(new RecordingOutputType());

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task Five_reloads_that_change_another_task_lose_no_packet_of_the_unchanged_one(ExecutionModel model)
    {
        // The unchanged task streams at a fixed pace (10 packets a millisecond or so) for a few seconds.
        List<(byte[] Frame, long TimestampNanos)> steady = SchedulerHarness.Frames(20_000, seed: 11, runtEvery: int.MaxValue);
        List<(byte[] Frame, long TimestampNanos)> other = SchedulerHarness.Frames(500, seed: 12, runtEvery: int.MaxValue);
        var steadySink = new RecordingSink();
        int steadyStarts = 0;
        FakeSource? steadySource = null;
        TaskConfig steadyTask = ControlFixture.Task("steady", () =>
        {
            Interlocked.Increment(ref steadyStarts);
            return steadySource = new FakeSource(steady, lossless: false) { MaxPerFill = 10, PaceMs = 1 };
        }, steadySink);

        var otherSinks = new List<RecordingSink>();
        var otherSources = new List<FakeSource>();
        TaskConfig Other(int generation, int slice = 0)
        {
            var sink = new RecordingSink();
            lock (otherSinks)
            {
                otherSinks.Add(sink);
            }

            return ControlFixture.Task("other", () =>
            {
                var s = new FakeSource(other, lossless: false) { MaxPerFill = 50 };
                lock (otherSources)
                {
                    otherSources.Add(s);
                }

                return s;
            }, sink, identity: $"other-{generation}", slice: slice);
        }

        CpworkerConfig Config(int generation, int slice = 0) => new()
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks = [steadyTask, Other(generation, slice)],
        };

        await using var engine = new CpworkerEngine(Config(0), Registry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(Run.Until(() => steadySource is not null && steadySource.Delivered > 500, 10_000), Is.True);
        var summaries = new List<ReloadSummary>();
        for (int generation = 1; generation <= 5; generation++)
        {
            Assert.That(steadySource!.Delivered, Is.LessThan(steady.Count), $"reload {generation} happens while the steady task streams");
            ReloadSummary summary = await engine.ReloadAsync(Config(generation, slice: generation == 5 ? 64 : 0));
            summaries.Add(summary);
            Assert.That(summary.Unchanged, Is.EqualTo(new[] { "steady" }));
            Assert.That(summary.Rebuilt, Is.EqualTo(new[] { "other" }));
            Assert.That(Run.Until(() => engine.GetStatus()[1].Outputs[0].Counters.ForwardedPackets == other.Count, 10_000), Is.True, $"generation {generation} of the changed task forwards");
        }

        Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs[0].Counters.HandedPackets == steady.Count, 30_000, pollMs: 100), Is.True, "the unchanged task's output gets every packet");
        Assert.That(engine.GetStatus()[0].Outputs[0].Counters.ErrorDropPackets, Is.Zero, "no congestion drop");
        Assert.That(Run.Until(() => steadySink.Records().Count == steady.Count, 10_000, pollMs: 200), Is.True);
        var got = steadySink.Records();
        for (int i = 0; i < steady.Count; i++)
        {
            Assert.That(got[i].TimestampNanos, Is.EqualTo(steady[i].TimestampNanos), $"packet {i}: once, in order");
        }

        Assert.That(got[^1].Frame, Is.EqualTo(steady[^1].Frame));
        Assert.That(steadyStarts, Is.EqualTo(1), "the unchanged task was never restarted");
        TaskSnapshot steadyStatus = engine.GetStatus()[0];
        Assert.That(steadyStatus.State, Is.EqualTo(TaskState.Running));
        Assert.That(steadyStatus.Outputs[0].Counters.ForwardedPackets, Is.EqualTo(steady.Count));
        Assert.That(steadyStatus.Outputs[0].Counters.ErrorDropPackets, Is.Zero);

        // The changed task runs with its newest settings; its predecessors were drained and closed.
        Assert.That(otherSinks.Take(5).All(s => s.Closed), Is.True, "earlier generations closed");
        Assert.That(otherSinks[0].Records(), Has.Count.EqualTo(other.Count), "a drained generation delivered everything it captured");
        Assert.That(otherSinks[5].Records().All(r => r.Frame.Length <= 64), Is.True, "slice 64 of the last generation applies");
        Assert.That(otherSinks[4].Records().Any(r => r.Frame.Length > 64), Is.True);

        // Totals since start include the five generations that are gone.
        EngineTotals totals = engine.GetTotals();
        Assert.That(totals.Capture.Packets, Is.EqualTo(steady.Count + 6 * other.Count));
        Assert.That(totals.Outputs.ForwardedPackets, Is.EqualTo(steady.Count + 6 * other.Count));
        TestContext.Out.WriteLine($"{model}: reload took {string.Join(", ", summaries.Select(s => $"{s.Elapsed.TotalMilliseconds:F0} ms"))}");
    }

    [Test]
    public async Task Removed_tasks_drain_and_stop_new_ones_start_and_counters_stay_in_the_totals()
    {
        var removedSink = new RecordingSink();
        var keptSink = new RecordingSink();
        var addedSink = new RecordingSink();
        List<(byte[] Frame, long TimestampNanos)> frames = SchedulerHarness.Frames(300, runtEvery: int.MaxValue);
        TaskConfig kept = ControlFixture.Task("kept", () => new FakeSource(frames, lossless: false), keptSink);
        TaskConfig removed = ControlFixture.Task("removed", () => new FakeSource(frames, lossless: false), removedSink);
        await using var engine = new CpworkerEngine(new CpworkerConfig { Tasks = [kept, removed] }, Registry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(Run.Until(() => removedSink.Records().Count == 300 && keptSink.Records().Count == 300, 10_000), Is.True);

        ReloadSummary summary = await engine.ReloadAsync(new CpworkerConfig
        {
            Tasks = [ControlFixture.Task("added", () => new FakeSource(frames, lossless: false), addedSink), kept with { Index = 1 }],
        });
        Assert.That(summary.Removed, Is.EqualTo(new[] { "removed" }));
        Assert.That(summary.Added, Is.EqualTo(new[] { "added" }));
        Assert.That(summary.Unchanged, Is.EqualTo(new[] { "kept" }));
        Assert.That(removedSink.Closed, Is.True, "the removed task was stopped and its output closed");
        Assert.That(engine.GetStatus().Select(s => s.Name), Is.EqualTo(new[] { "added", "kept" }), "configuration order");
        Assert.That(Run.Until(() => addedSink.Records().Count == 300, 10_000), Is.True);
        Assert.That(engine.GetTotals().Capture.Packets, Is.EqualTo(900));
        Assert.That(engine.Config.Tasks.Select(t => t.Name), Is.EqualTo(new[] { "added", "kept" }));
    }

    [Test]
    public async Task Concurrent_reloads_are_serialised_and_leave_exactly_one_incarnation_running()
    {
        var sinks = new List<RecordingSink>();
        TaskConfig Version(string identity)
        {
            var sink = new RecordingSink();
            lock (sinks)
            {
                sinks.Add(sink);
            }

            return ControlFixture.Task("t", () => new FakeSource(SchedulerHarness.Frames(100, runtEvery: int.MaxValue), lossless: false), sink, identity: identity);
        }

        await using var engine = new CpworkerEngine(new CpworkerConfig { Tasks = [Version("v0")] }, Registry(), new ListLogger().Factory);
        engine.Start();
        ReloadSummary[] results = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => Task.Run(() => engine.ReloadAsync(new CpworkerConfig { Tasks = [Version($"v{i}")] }))));
        Assert.That(results.Count(r => r.Rebuilt.Count == 1), Is.EqualTo(6), "each reload rebuilt the one running incarnation: " + string.Join(" | ", results.Select(r => r.ToString())));
        Assert.That(engine.GetStatus(), Has.Count.EqualTo(1));
        Assert.That(Run.Until(() => engine.GetStatus()[0].State == TaskState.Running, 10_000), Is.True);
        Assert.That(Run.Until(() => sinks.Count(s => !s.Closed && s.Records().Count == 100) == 1, 10_000), Is.True, "exactly one incarnation runs");
        // The others were stopped: closed after running, or stopped while starting (outputs disposed, nothing sent).
        RecordingSink active = sinks.Single(s => !s.Closed && s.Records().Count == 100);
        Assert.That(sinks.Where(s => s != active).All(s => s.Closed || s.Records().Count == 0), Is.True, "nothing else runs");
        Assert.That(active.Records(), Has.Count.EqualTo(100));
    }

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public void A_new_loop_guard_reaches_the_running_capture_between_fills_without_losing_a_packet(ExecutionModel model)
    {
        List<(byte[] Frame, long TimestampNanos)> frames = SchedulerHarness.Frames(8000, runtEvery: int.MaxValue);
        var source = new FilterRecordingSource(new FakeSource(frames, lossless: false) { MaxPerFill = 10, PaceMs = 1 });
        var sink = new RecordingSink();
        var log = new ListLogger();
        var output = new OutputConfig { Index = 0, Type = RecordingOutputType.TypeName, Settings = new RecordingSettings(sink) { PipelineBuffers = 64 } };
        var counters = new OutputCounters();
        var context = new OutputContext { TaskName = "t", Config = output, Logger = log, Time = TimeProvider.System, Counters = counters, CaptureSnaplen = 2048 };
        var task = new TaskConfig { Name = "t", Capturer = new CustomCaptureConfig(() => source), Outputs = [output] };
        var graph = new TaskGraph(task, source, _ => null, [new OutputStage(context, new RecordingOutputType().Create(output.Settings, context))], new CaptureCounters(), log, TimeProvider.System,
            (s, guard) => guard is null ? "tcp" : $"(tcp) and not ({guard})");
        PacketScheduler scheduler = PacketScheduler.Create(model, graph, ThreadAffinity.None, 4 << 20);
        scheduler.Start();
        Assert.That(scheduler.Started.Wait(10_000), Is.True);
        Assert.That(Run.Until(() => source.Delivered > 1000, 10_000), Is.True);

        scheduler.RequestLoopGuard("host 192.0.2.1");
        Assert.That(Run.Until(() => source.Filters.Count == 1, 10_000), Is.True);
        scheduler.RequestLoopGuard("host 192.0.2.2");
        scheduler.RequestLoopGuard(null); // the last request wins
        Assert.That(Run.Until(() => source.Filters.Count >= 2, 10_000), Is.True);
        Assert.That(Run.Until(() => counters.Snapshot().HandedPackets == frames.Count, 30_000, pollMs: 100), Is.True, "no packet lost around the filter changes");
        scheduler.RequestStop();
        Assert.That(scheduler.Completion.Wait(10_000), Is.True);

        var filters = source.Filters;
        Assert.That(filters[0].Filter, Is.EqualTo("(tcp) and not (host 192.0.2.1)"));
        Assert.That(filters[^1].Filter, Is.EqualTo("tcp"));
        Assert.That(filters.Count, Is.LessThanOrEqualTo(3));
        Assert.That(filters.All(f => f.ThreadId == source.FillThread), Is.True, "installed on the capture thread");
        Assert.That(filters[0].DeliveredBefore, Is.InRange(1000, frames.Count - 1), "while streaming");
        Assert.That(log.Contains("capture filter updated"), Is.True);
        Assert.That(counters.Snapshot().ForwardedPackets, Is.EqualTo(frames.Count));
    }
}
