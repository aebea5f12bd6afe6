using System.Collections.Concurrent;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

/// <summary>
/// <c>cpu_affinity</c> pins each packet thread deterministically: a task's threads are numbered in
/// the order its scheduler starts them, after those of the tasks before it, so a retried task lands
/// on the same CPUs as its first attempt.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public class CpuPinningTests
{
    [Test]
    public void A_tasks_threads_take_the_numbers_after_the_tasks_before_it()
    {
        var affinity = new ThreadAffinity([5, 6, 7]);
        Assert.Multiple(() =>
        {
            Assert.That(Enumerable.Range(0, 4).Select(affinity.ForTask(0).CpuAt), Is.EqualTo(new[] { 5, 6, 7, 5 }));
            Assert.That(Enumerable.Range(0, 4).Select(affinity.ForTask(4).CpuAt), Is.EqualTo(new[] { 6, 7, 5, 6 }));
            Assert.That(ThreadAffinity.None.ForTask(3).CpuAt(0), Is.EqualTo(-1), "no cpu_affinity: no pinning");
        });

        var task = new TaskConfig { Name = "t", Capturer = new CustomCaptureConfig(() => new FakeSource([])), Outputs = [Null(0), Null(1)] };
        Assert.That(PacketScheduler.PinnedThreads(ExecutionModel.Pipeline, task), Is.EqualTo(4), "capture, encapsulation, two senders");
        Assert.That(PacketScheduler.PinnedThreads(ExecutionModel.Rtc, task), Is.EqualTo(1));
    }

    [Test]
    public async Task A_retried_task_runs_its_threads_on_the_same_cpus_as_before()
    {
        int[] online = [.. ThreadAffinity.CurrentThreadCpus()];
        Assume.That(online, Has.Length.GreaterThanOrEqualTo(2), "needs two CPUs");
        // Every online CPU (confining the test process to fewer would slow the rest of the run), the first two swapped.
        int[] order = [online[1], online[0], .. online[2..]];
        var probe = new ProbeOutputType();
        int attempts = 0;
        var config = new CpworkerConfig
        {
            ExecutionModel = ExecutionModel.Pipeline,
            PipelineBufferSizeMb = 4,
            CpuAffinity = order,
            Tasks =
            [
                // Takes pinning numbers 0-2 (capture, encapsulation, one sender).
                new TaskConfig { Index = 0, Name = "steady", Capturer = new CustomCaptureConfig(() => new FakeSource(SchedulerHarness.Frames(10), lossless: false)), Outputs = [Null(0)] },
                new TaskConfig
                {
                    Index = 1,
                    Name = "probe",
                    Capturer = new CustomCaptureConfig(() => new ProbeSource(probe, Interlocked.Increment(ref attempts))),
                    Outputs = [new OutputConfig { Index = 0, Type = ProbeOutputType.TypeName, Settings = ProbeSettings.Instance }],
                },
            ],
        };
        var registry = new OutputTypeRegistry().Add(probe);
        await using var engine = new CpworkerEngine(config, registry, new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();

        Assert.That(Run.Until(() => probe.Seen.Keys.Count(k => k.Attempt == 3) == 3, 30_000), Is.True, "three attempts each ran capture, encapsulation and sender: " + probe);
        await engine.StopAsync();

        // The probe task's threads are numbers 3, 4 and 5 of the pinning order, on every attempt.
        foreach (int attempt in new[] { 1, 2, 3 })
        {
            Assert.Multiple(() =>
            {
                Assert.That(probe.Seen[(attempt, "capture")], Is.EqualTo(new[] { order[3 % order.Length] }), $"attempt {attempt}: capture thread");
                Assert.That(probe.Seen[(attempt, "encap")], Is.EqualTo(new[] { order[4 % order.Length] }), $"attempt {attempt}: encapsulation thread");
                Assert.That(probe.Seen[(attempt, "send")], Is.EqualTo(new[] { order[5 % order.Length] }), $"attempt {attempt}: sender thread");
            });
        }
    }

    private static OutputConfig Null(int index) => new() { Index = index, Type = "null", Settings = NullSettings() };

    private static OutputSettings NullSettings() => new OutputTypeRegistry().TryGet("null", out OutputType? type) ? type.Parse(null, "null", new ConfigDiagnostics())! : throw new InvalidOperationException();

    /// <summary>A source that records the CPUs of its capture thread, delivers a few batches and then fails (so the task is retried).</summary>
    private sealed class ProbeSource(ProbeOutputType probe, int attempt) : PacketSource
    {
        private readonly FakeSource _frames = new(SchedulerHarness.Frames(30, runtEvery: 1000), lossless: false) { FailAfter = 20, MaxPerFill = 5 };

        public override int MaxFrameLength => _frames.MaxFrameLength;

        public override void Open()
        {
            probe.Attempt = attempt;
            _frames.Open();
        }

        public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
        {
            probe.Note(attempt, "capture");
            return _frames.Fill(batch, timeoutMs);
        }
    }

    private sealed record ProbeSettings : OutputSettings
    {
        public static readonly ProbeSettings Instance = new();
    }

    /// <summary>An output that records, per attempt, the CPUs its encoder and its transport ran on.</summary>
    private sealed class ProbeOutputType : OutputType
    {
        public const string TypeName = "probe";

        public ConcurrentDictionary<(int Attempt, string Role), int[]> Seen { get; } = new();

        public volatile int Attempt;

        public override string Name => TypeName;

        public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) => ProbeSettings.Instance;

        public override OutputParts Create(OutputSettings settings, OutputContext context) =>
            new(new Encoder(this), new Transport(this), BufferBytes: 64 * 1024);

        public void Note(int attempt, string role) => Seen.TryAdd((attempt, role), [.. ThreadAffinity.CurrentThreadCpus()]);

        public override string ToString() => string.Join(", ", Seen.Select(s => $"{s.Key}={string.Join(",", s.Value)}"));

        private sealed class Encoder(ProbeOutputType probe) : BufferedEncoder
        {
            public override bool Encode(in Packet packet)
            {
                probe.Note(probe.Attempt, "encap");
                SendBuffer? buffer = Reserve(1);
                if (buffer is null)
                {
                    return false;
                }

                buffer.Length++;
                buffer.PacketCount++;
                return true;
            }

            public override void EndOfBatch() => SubmitCurrent();
        }

        private sealed class Transport(ProbeOutputType probe) : OutputTransport
        {
            public override void Send(SendBuffer buffer) => probe.Note(probe.Attempt, "send");
        }
    }
}
