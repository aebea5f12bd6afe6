using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

/// <summary>
/// What every scheduler must do, written once and run for rtc and for pipeline: the same input
/// gives the same bytes, nothing is lost or leaked, failures stay contained.
/// </summary>
public abstract class SchedulerContractTests
{
    /// <summary>The execution model under test.</summary>
    protected abstract ExecutionModel Model { get; }

    [Test]
    public void A_replay_reaches_the_output_complete_in_order_and_byte_identical()
    {
        var frames = SchedulerHarness.Frames(5000);
        var sink = new RecordingSink();
        var harness = new SchedulerHarness().Output(new RecordingSettings(sink));
        harness.RunToEnd(Model, new FakeSource(frames));

        var expected = frames.Where(f => f.Frame.Length >= 14).ToList();
        var got = sink.Records();
        Assert.That(got, Has.Count.EqualTo(expected.Count));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(got[i].Frame, Is.EqualTo(expected[i].Frame), $"record {i}");
            Assert.That(got[i].TimestampNanos, Is.EqualTo(expected[i].TimestampNanos), $"record {i}");
            Assert.That(got[i].Direction, Is.EqualTo(PacketDirection.NotChecked));
        }

        var capture = harness.Graph!.CaptureCounters.Snapshot();
        Assert.That(capture.Packets, Is.EqualTo(frames.Count), "runts are counted as captured");
        Assert.That(capture.Bytes, Is.EqualTo(frames.Sum(f => (long)f.Frame.Length)));
        Assert.That(harness.Counters(0).ForwardedPackets, Is.EqualTo(expected.Count));
        Assert.That(sink.Closed, Is.True, "the transport is closed at stop");
    }

    [Test]
    public void Every_batch_and_send_buffer_is_back_in_its_pool_at_the_end()
    {
        var harness = new SchedulerHarness().Output(new RecordingSettings(new RecordingSink()) { BufferBytes = 8 * 1024 });
        harness.RunToEnd(Model, new FakeSource(SchedulerHarness.Frames(3000)) { MaxPerFill = 37 });

        PacketBatchPool pool = harness.Scheduler!.BatchPool!;
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity), "a packet batch was not returned");
        if (harness.Scheduler is PipelineScheduler pipeline)
        {
            foreach (QueuedSendLane lane in pipeline.Lanes)
            {
                Assert.That(lane.FreeBuffers, Is.EqualTo(lane.BufferCount), "a send buffer was not returned");
            }
        }
    }

    [Test]
    public void Every_handed_packet_lands_in_exactly_one_counter()
    {
        var frames = SchedulerHarness.Frames(20_000, seed: 11);
        var harness = new SchedulerHarness { Classifier = new PatternClassifier() }
            .Output(new RecordingSettings(new RecordingSink()), slice: 100, rateLimitMbps: 20)
            .Output(new RecordingSettings(new RecordingSink()));
        harness.RunToEnd(Model, new FakeSource(frames));

        var handed = frames.Where(f => f.Frame.Length >= 14).ToList();
        int unknown = handed.Count(f => PatternClassifier.For(f.Frame) == PacketDirection.Unknown);
        for (int i = 0; i < 2; i++)
        {
            OutputCounterSnapshot c = harness.Counters(i);
            Assert.That(c.HandedPackets, Is.EqualTo(handed.Count), $"output {i}: every packet counted once");
            Assert.That(c.DirectionDropPackets, Is.EqualTo(unknown), $"output {i}: unknown direction");
        }

        OutputCounterSnapshot limited = harness.Counters(0);
        Assert.That(limited.RateLimitDropPackets, Is.GreaterThan(0), "20 Mbit/s over 20 ms of packet time must drop");
        Assert.That(limited.ForwardedBytes + limited.RateLimitDropBytes + limited.DirectionDropBytes,
            Is.EqualTo(handed.Sum(f => (long)Math.Min(100, f.Frame.Length))), "bytes are sliced lengths");
        Assert.That(harness.Counters(1).ForwardedPackets, Is.EqualTo(handed.Count - unknown), "the unlimited output forwards every known packet");
    }

    [Test]
    public void A_rate_limit_holds_within_two_percent_over_ten_seconds_of_packet_time_while_another_output_forwards_all()
    {
        // 1000-byte frames every 100 µs of capture time: 80 Mbit/s offered for 10 s, limit 10 Mbit/s.
        byte[] frame = new byte[1000];
        frame[^1] = 1;
        long start = 1_700_000_000_000_000_000;
        var frames = Enumerable.Range(0, 100_000).Select(i => (frame, start + i * 100_000L)).ToList();
        var harness = new SchedulerHarness()
            .Output(new RecordingSettings(new RecordingSink()) { BufferBytes = 1 << 20 }, rateLimitMbps: 10)
            .Output(new RecordingSettings(new RecordingSink()) { BufferBytes = 1 << 20 });
        harness.RunToEnd(Model, new FakeSource(frames) { MaxPerFill = 1000 }, timeoutMs: 60_000);

        double expectedBytes = 10 * 1_000_000 / 8.0 * 10; // 10 Mbit/s for 10 s
        OutputCounterSnapshot limited = harness.Counters(0);
        Assert.That(limited.ForwardedBytes, Is.EqualTo(expectedBytes).Within(2).Percent);
        Assert.That(limited.ForwardedPackets + limited.RateLimitDropPackets, Is.EqualTo(frames.Count));
        Assert.That(harness.Counters(1).ForwardedPackets, Is.EqualTo(frames.Count), "the other output is not limited");
    }

    [Test]
    public void Directions_set_by_the_classifier_reach_the_output()
    {
        var frames = SchedulerHarness.Frames(2000, seed: 3);
        var sink = new RecordingSink();
        var harness = new SchedulerHarness { Classifier = new PatternClassifier() }.Output(new RecordingSettings(sink));
        harness.RunToEnd(Model, new FakeSource(frames));

        var expected = frames.Where(f => f.Frame.Length >= 14 && PatternClassifier.For(f.Frame) != PacketDirection.Unknown).ToList();
        var got = sink.Records();
        Assert.That(got.Select(r => r.Direction), Is.EqualTo(expected.Select(f => PatternClassifier.For(f.Frame))));
    }

    [Test]
    public void A_failing_output_does_not_touch_the_others()
    {
        var frames = SchedulerHarness.Frames(3000, seed: 5);
        var good = new RecordingSink();
        var bad = new RecordingSink { ThrowOnSend = true };
        var harness = new SchedulerHarness().Output(new RecordingSettings(bad)).Output(new RecordingSettings(good));
        harness.RunToEnd(Model, new FakeSource(frames));

        int handed = frames.Count(f => f.Frame.Length >= 14);
        Assert.That(good.Records(), Has.Count.EqualTo(handed));
        Assert.That(harness.Counters(0).ErrorDropPackets, Is.EqualTo(handed), "the failing output counts its losses");
        Assert.That(harness.Counters(0).ForwardedPackets, Is.Zero);
    }

    [Test]
    public void A_slow_output_on_a_replay_loses_nothing_anywhere()
    {
        var frames = SchedulerHarness.Frames(4000, seed: 9, runtEvery: int.MaxValue);
        var slow = new RecordingSink { SendDelay = TimeSpan.FromMilliseconds(2) };
        var fast = new RecordingSink();
        var harness = new SchedulerHarness()
            .Output(new RecordingSettings(slow) { BufferBytes = 16 * 1024, PipelineBuffers = 2 })
            .Output(new RecordingSettings(fast));
        harness.RunToEnd(Model, new FakeSource(frames), timeoutMs: 60_000);

        Assert.That(slow.Records(), Has.Count.EqualTo(frames.Count));
        Assert.That(fast.Records(), Has.Count.EqualTo(frames.Count));
        Assert.That(harness.Counters(0).ErrorDropPackets, Is.Zero);
    }

    [Test]
    public void A_source_that_cannot_open_fails_the_start_with_its_reason()
    {
        var harness = new SchedulerHarness().Output(new RecordingSettings(new RecordingSink()));
        PacketScheduler s = harness.Start(Model, new FakeSource([]) { FailOpen = "no such interface eth9" });
        var ex = Assert.Throws<AggregateException>(() => s.Started.Wait(10_000));
        Assert.That(ex!.InnerException, Is.TypeOf<CaptureException>().With.Message.Contains("eth9"));
        Assert.That(() => s.Completion.Wait(10_000), Throws.InstanceOf<AggregateException>(), "completes, faulted, without hanging");
        Assert.That(s.Completion.IsFaulted, Is.True);
    }

    [Test]
    public void A_source_failing_while_running_ends_the_task_with_its_reason_after_flushing()
    {
        var frames = SchedulerHarness.Frames(1000, runtEvery: int.MaxValue);
        var sink = new RecordingSink();
        var harness = new SchedulerHarness().Output(new RecordingSettings(sink));
        PacketScheduler s = harness.Start(Model, new FakeSource(frames) { FailAfter = 500, MaxPerFill = 50 });
        Assert.That(() => s.Completion.Wait(10_000), Throws.InstanceOf<AggregateException>());
        Assert.That(s.Completion.Exception!.InnerException, Is.TypeOf<CaptureException>());
        Assert.That(sink.Records(), Has.Count.EqualTo(500), "what was captured before the failure is delivered");
        Assert.That(sink.Closed, Is.True);
    }

    [Test]
    public void A_stage_that_throws_ends_the_task_with_its_reason_and_every_batch_comes_back()
    {
        var frames = SchedulerHarness.Frames(5000, runtEvery: int.MaxValue);
        var sink = new RecordingSink();
        var harness = new SchedulerHarness { Classifier = new ThrowingClassifier(after: 700) }.Output(new RecordingSettings(sink));
        PacketScheduler s = harness.Start(Model, new FakeSource(frames, lossless: false) { MaxPerFill = 100, PaceMs = 1 });
        var ex = Assert.Throws<AggregateException>(() => s.Completion.Wait(10_000), "the task ends instead of looking healthy");
        Assert.That(ex!.InnerException, Is.TypeOf<InvalidOperationException>().With.Message.Contains("classifier bug"));
        PacketBatchPool pool = s.BatchPool!;
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity), "every batch is back");
        Assert.That(sink.Closed, Is.True, "the outputs are closed");
    }

    [Test]
    public void A_live_task_stops_promptly_and_closes_its_outputs()
    {
        var sink = new RecordingSink();
        var harness = new SchedulerHarness().Output(new RecordingSettings(sink));
        PacketScheduler s = harness.Start(Model, new FakeSource(SchedulerHarness.Frames(100), lossless: false));
        Assert.That(s.Started.Wait(10_000), Is.True);
        Assert.That(Run.Until(() => sink.Records().Count == 98, 10_000), Is.True);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        s.RequestStop();
        Assert.That(s.Completion.Wait(3000), Is.True, "stop within 3 s");
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(1000));
        Assert.That(sink.Closed, Is.True);
    }
}

/// <summary>The contract under run-to-completion.</summary>
[TestFixture]
public sealed class RtcSchedulerTests : SchedulerContractTests
{
    /// <inheritdoc/>
    protected override ExecutionModel Model => ExecutionModel.Rtc;
}

/// <summary>The contract under the pipeline model.</summary>
[TestFixture]
public sealed class PipelineSchedulerTests : SchedulerContractTests
{
    /// <inheritdoc/>
    protected override ExecutionModel Model => ExecutionModel.Pipeline;

    [Test]
    public void A_congested_output_of_a_live_task_drops_alone_and_counts_it()
    {
        var frames = SchedulerHarness.Frames(3000, runtEvery: int.MaxValue);
        var slow = new RecordingSink { SendDelay = TimeSpan.FromMilliseconds(30) };
        var fast = new RecordingSink();
        var harness = new SchedulerHarness()
            .Output(new RecordingSettings(slow) { PipelineBuffers = 1 })
            .Output(new RecordingSettings(fast) { PipelineBuffers = 64 });
        PacketScheduler s = harness.Start(ExecutionModel.Pipeline, new FakeSource(frames, lossless: false) { MaxPerFill = 10, PaceMs = 1 });
        Assert.That(Run.Until(() => fast.Records().Count == frames.Count, 20_000), Is.True, "the fast output gets everything");
        s.RequestStop();
        Assert.That(s.Completion.Wait(5000), Is.True);

        OutputCounterSnapshot c = harness.Counters(0);
        Assert.That(c.ErrorDropPackets, Is.GreaterThan(0), "the congested output drops");
        Assert.That(c.ForwardedPackets + c.ErrorDropPackets, Is.EqualTo(frames.Count), "and counts every packet");
        Assert.That(slow.Records(), Has.Count.EqualTo(c.ForwardedPackets));
    }
}
