using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

/// <summary>Builds a task graph over a <see cref="FakeSource"/> and recording outputs, and runs it under a scheduler.</summary>
internal sealed class SchedulerHarness
{
    private readonly List<(OutputConfig Config, OutputCounters Counters)> _outputs = new();
    private readonly ManualResetEventSlim _ended = new();

    /// <summary>Describes an output to add.</summary>
    public SchedulerHarness Output(RecordingSettings settings, int slice = 0, int rateLimitMbps = 0)
    {
        var config = new OutputConfig { Index = _outputs.Count, Type = RecordingOutputType.TypeName, Slice = slice, RateLimitMbps = rateLimitMbps, Settings = settings };
        _outputs.Add((config, new OutputCounters()));
        return this;
    }

    /// <summary>Everything the task logged.</summary>
    public ListLogger Log { get; } = new();

    /// <summary>The classifier the task uses; null = direction not checked.</summary>
    public IDirectionClassifier? Classifier { get; init; }

    /// <summary>Counters of output <paramref name="index"/>.</summary>
    public OutputCounterSnapshot Counters(int index) => _outputs[index].Counters.Snapshot();

    /// <summary>The graph after <see cref="Start"/>.</summary>
    public TaskGraph? Graph { get; private set; }

    /// <summary>The scheduler after <see cref="Start"/>.</summary>
    public PacketScheduler? Scheduler { get; private set; }

    /// <summary>Builds the graph and starts the scheduler.</summary>
    public PacketScheduler Start(ExecutionModel model, FakeSource source, long pipelineBytes = 4 << 20) =>
        Start(model, [source], pipelineBytes);

    /// <summary>Builds a graph with one capture thread per source (as <c>libpcap.threads</c> does) and starts the scheduler.</summary>
    public PacketScheduler Start(ExecutionModel model, FakeSource[] sources, long pipelineBytes = 4 << 20)
    {
        var type = new RecordingOutputType();
        var stages = new List<OutputStage>();
        foreach ((OutputConfig config, OutputCounters counters) in _outputs)
        {
            var context = new OutputContext
            {
                TaskName = "t",
                Config = config,
                Logger = Log,
                Time = TimeProvider.System,
                Counters = counters,
                CaptureSnaplen = 2048,
            };
            stages.Add(new OutputStage(context, type.Create(config.Settings, context)));
        }

        var task = new TaskConfig { Name = "t", Capturer = new CustomCaptureConfig(() => sources[0]), Outputs = _outputs.Select(o => o.Config).ToArray() };
        IDirectionClassifier? classifier = Classifier;
        PacketSource[] all = [.. sources];
        Graph = new TaskGraph(task, all, _ => classifier is null ? null : new ClassifyStage(classifier), stages, new CaptureCounters(sources.Length), Log, TimeProvider.System);
        Graph.EndOfInput += _ended.Set; // before Start: a short replay may end at once
        Scheduler = PacketScheduler.Create(model, Graph, ThreadAffinity.None, pipelineBytes);
        Scheduler.Start();
        return Scheduler;
    }

    /// <summary>Runs a replay to its end, then stops; fails the test on a deadline.</summary>
    public void RunToEnd(ExecutionModel model, FakeSource source, int timeoutMs = 20_000)
    {
        PacketScheduler s = Start(model, source);
        Assert.That(_ended.Wait(timeoutMs), Is.True, "the replay did not reach its end in time");
        s.RequestStop();
        Assert.That(s.Completion.Wait(timeoutMs), Is.True, "the task did not stop in time");
    }

    /// <summary>Frames of varied sizes (some shorter than an Ethernet header), 1 µs apart.</summary>
    public static List<(byte[] Frame, long TimestampNanos)> Frames(int count, int seed = 7, int runtEvery = 50)
    {
        var rng = new Random(seed);
        var list = new List<(byte[], long)>(count);
        long ts = 1_700_000_000_000_000_000;
        for (int i = 0; i < count; i++)
        {
            int size = i % runtEvery == runtEvery - 1 ? rng.Next(1, 14) : rng.Next(14, 1515);
            byte[] f = new byte[size];
            rng.NextBytes(f);
            list.Add((f, ts));
            ts += 1000;
        }

        return list;
    }
}

/// <summary>Marks every <c>n</c>-th frame (by its first byte's parity pattern) Unknown, others alternately incoming/outgoing.</summary>
internal sealed class PatternClassifier : IDirectionClassifier
{
    /// <summary>The direction the classifier gives a frame; the test's expectation uses the same rule.</summary>
    public static PacketDirection For(ReadOnlySpan<byte> frame) => (frame[^1] % 4) switch
    {
        0 => PacketDirection.Unknown,
        1 or 3 => PacketDirection.Incoming,
        _ => PacketDirection.Outgoing,
    };

    /// <inheritdoc/>
    public PacketDirection Classify(ReadOnlySpan<byte> frame) => For(frame);
}

/// <summary>Classifies as not checked, then throws once it has seen <c>after</c> frames (a bug in a stage).</summary>
internal sealed class ThrowingClassifier(int after) : IDirectionClassifier
{
    private int _seen;

    /// <inheritdoc/>
    public PacketDirection Classify(ReadOnlySpan<byte> frame) =>
        ++_seen > after ? throw new InvalidOperationException("classifier bug") : PacketDirection.NotChecked;
}
