using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

/// <summary>
/// Several capture threads feeding one task graph (what <c>libpcap.threads</c> builds), under both
/// schedulers: each thread's packets reach the shared output complete and in their order, the
/// counters are kept per thread and summed, and one thread's failure ends the whole task.
/// </summary>
[TestFixture(ExecutionModel.Rtc)]
[TestFixture(ExecutionModel.Pipeline)]
public sealed class CaptureThreadsTests(ExecutionModel model)
{
    private const int Threads = 3;

    /// <summary>Frames of source <paramref name="source"/>: its number in byte 0 and a sequence in bytes 1–4, so a record tells where it came from.</summary>
    private static List<(byte[] Frame, long TimestampNanos)> Frames(int source, int count)
    {
        var list = new List<(byte[], long)>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] f = new byte[60 + (i * 7 % 900)];
            f[0] = (byte)source;
            BitConverter.TryWriteBytes(f.AsSpan(1), i);
            list.Add((f, 1_700_000_000_000_000_000 + i));
        }

        return list;
    }

    [Test]
    [CancelAfter(30_000)]
    public void Every_thread_delivers_all_its_packets_in_order_to_the_shared_output()
    {
        var sink = new RecordingSink();
        var harness = new SchedulerHarness().Output(new RecordingSettings(sink) { BufferBytes = 256 * 1024, PipelineBuffers = 64 });
        int[] counts = [3000, 5000, 1];
        // Lossless sources: a congested output waits instead of dropping, so on a loaded machine
        // every packet still arrives and the order can be checked completely.
        FakeSource[] sources = [.. Enumerable.Range(0, Threads).Select(s => new FakeSource(Frames(s, counts[s])) { MaxPerFill = 17 + s })];
        PacketScheduler scheduler = harness.Start(model, sources);
        Assert.That(Run.Until(() => harness.Counters(0).ForwardedPackets == counts.Sum(), 20_000), Is.True, $"{model}: {harness.Counters(0)}");
        scheduler.RequestStop();
        Assert.That(scheduler.Completion.Wait(10_000), Is.True, "the task stops");

        var next = new int[Threads];
        foreach ((byte[] frame, _, _) in sink.Records())
        {
            int source = frame[0];
            Assert.That(BitConverter.ToInt32(frame, 1), Is.EqualTo(next[source]), $"source {source}: out of order or duplicated");
            next[source]++;
        }

        Assert.That(next, Is.EqualTo(counts), "every packet of every thread, once");
        Assert.That(harness.Graph!.CaptureCounters.ThreadSnapshots().Select(t => t.Packets), Is.EqualTo(counts.Select(c => (long)c)));
        Assert.That(harness.Graph.CaptureCounters.Snapshot().Packets, Is.EqualTo(counts.Sum()));
        PacketBatchPool pool = scheduler.BatchPool!;
        Assert.That(pool.Available, Is.EqualTo(pool.Capacity), "every batch is back");
        Assert.That(sink.Closed, Is.True, "the output is closed once, after every thread ended");
    }

    [Test]
    [CancelAfter(30_000)]
    public void A_failing_capture_thread_ends_the_task_and_every_other_thread()
    {
        var harness = new SchedulerHarness().Output(new RecordingSettings(new RecordingSink()));
        FakeSource[] sources =
        [
            new FakeSource(Frames(0, 20_000), lossless: false) { MaxPerFill = 10, PaceMs = 1 },
            new FakeSource(Frames(1, 1000), lossless: false) { FailAfter = 500 },
        ];
        PacketScheduler scheduler = harness.Start(model, sources);
        Assert.That(() => scheduler.Completion.Wait(20_000), Throws.InstanceOf<AggregateException>().With.InnerException.Message.Contains("fake interface went away"));
        Assert.That(scheduler.BatchPool!.Available, Is.EqualTo(scheduler.BatchPool.Capacity), "every batch is back");
    }
}
