using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// The stages alone, on one thread, without a scheduler: one batch of the mixed capture classified
/// and run through a null output's stage, per packet (as the engine runs) or per batch (one call per
/// stage, the loop inside the sealed classifier and encoder). Without the hand-overs of
/// <see cref="SchedulerBenchmarks"/> the difference between the two is not buried in wake-up noise.
/// Each operation is one packet. Run: <c>dotnet run -c Release --project Cpworker.Benchmarks -- --filter '*StageBenchmarks*' --job short --inProcess</c>.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private const int PacketsPerBatchOfMixedCapture = 518;

    private PacketBatch _batch = null!;
    private ClassifyStage? _classify;
    private OutputStage _output = null!;

    /// <summary><c>none</c>: no <c>req_pattern</c>; <c>custom</c>: the pattern of <see cref="SchedulerBenchmarks"/>.</summary>
    [Params("none", "custom")]
    public string Classify { get; set; } = "none";

    /// <summary><c>per-packet</c> or <c>per-batch</c>, as in <see cref="SchedulerBenchmarks"/>.</summary>
    [Params("per-packet", "per-batch")]
    public string Stages { get; set; } = "per-packet";

    [GlobalSetup]
    public void Setup()
    {
        var source = new GatedMemorySource(TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        _batch = new PacketBatch(TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        source.Release(1);
        source.Fill(_batch, 0);
        if (_batch.Count != PacketsPerBatchOfMixedCapture)
        {
            throw new InvalidOperationException($"a batch holds {_batch.Count} packets, not {PacketsPerBatchOfMixedCapture}: update the constant");
        }

        bool perBatch = Stages == "per-batch";
        var settings = new SignallingNullOutput.Settings { Target = long.MaxValue };
        var config = new OutputConfig { Type = "null", Settings = settings };
        var context = new OutputContext
        {
            TaskName = "bench",
            Config = config,
            Logger = NullLogger.Instance,
            Time = TimeProvider.System,
            Counters = new OutputCounters(),
            CaptureSnaplen = 65535,
        };
        _output = new OutputStage(context, new SignallingNullOutput().Create(settings, context), perBatch);
        _classify = Classify == "custom"
            ? new ClassifyStage(DirectionClassifierFactory.Create(new CustomDirectionConfig(SchedulerBenchmarks.Pattern), null, _ => null)!, perBatch)
            : null;
        Process();
        if (context.Counters.Packet.AcceptedPackets != PacketsPerBatchOfMixedCapture)
        {
            throw new InvalidOperationException("every packet must reach the encoder");
        }
    }

    /// <summary>Classify (when a pattern is set) and the output stage, over one batch.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerBatchOfMixedCapture)]
    public void Process()
    {
        _classify?.Process(_batch);
        _output.Process(_batch);
    }
}
