using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// Batches of the mixed capture through a running scheduler (rtc: one thread; pipeline: capture
/// and encapsulation threads) into a null output: the engine's own cost per packet, hand-overs
/// included. Each operation is one packet; the allocation column must read 0 B.
/// Run: <c>dotnet run -c Release --project Cpworker.Benchmarks -- --filter '*SchedulerBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    /// <summary>Batches released per operation.</summary>
    private const int BatchesPerInvoke = 64;

    private GatedMemorySource _source = null!;
    private SignallingNullOutput.Settings _settings = null!;
    private OutputCounters _counters = null!;
    private PacketScheduler _scheduler = null!;
    private TaskGraph _graph = null!;

    /// <summary>The execution model.</summary>
    [Params("rtc", "pipeline")]
    public string Model { get; set; } = "rtc";

    [GlobalSetup]
    public void Setup()
    {
        _source = new GatedMemorySource(TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        _settings = new SignallingNullOutput.Settings();
        _counters = new OutputCounters();
        var config = new OutputConfig { Type = "null", Settings = _settings };
        var context = new OutputContext
        {
            TaskName = "bench",
            Config = config,
            Logger = NullLogger.Instance,
            Time = TimeProvider.System,
            Counters = _counters,
            CaptureSnaplen = 65535,
        };
        var stage = new OutputStage(context, new SignallingNullOutput().Create(_settings, context));
        var task = new TaskConfig { Name = "bench", Capturer = new CustomCaptureConfig(() => _source), Outputs = [config] };
        _graph = new TaskGraph(task, _source, _ => null, [stage], new CaptureCounters(), NullLogger.Instance, TimeProvider.System);
        ExecutionModel model = Model == "pipeline" ? ExecutionModel.Pipeline : ExecutionModel.Rtc;
        _scheduler = PacketScheduler.Create(model, _graph, ThreadAffinity.None, 256L << 20);
        _scheduler.Start();
        _scheduler.Started.Wait();
    }

    /// <summary>Packets a 256 KiB batch holds of the mixed capture (<c>OperationsPerInvoke</c> needs a constant); checked in <see cref="Batches"/>.</summary>
    private const int PacketsPerBatchOfMixedCapture = 518;

    /// <summary>64 batches released to the capture thread, waited for at the null output.</summary>
    [Benchmark(OperationsPerInvoke = BatchesPerInvoke * PacketsPerBatchOfMixedCapture)]
    public void Batches()
    {
        if (_source.PacketsPerBatch != PacketsPerBatchOfMixedCapture)
        {
            throw new InvalidOperationException($"a batch holds {_source.PacketsPerBatch} packets, not {PacketsPerBatchOfMixedCapture}: update the constant");
        }

        _settings.Reached.Reset();
        Volatile.Write(ref _settings.Target, _counters.Packet.AcceptedPackets + (long)BatchesPerInvoke * _source.PacketsPerBatch);
        _source.Release(BatchesPerInvoke);
        if (!_settings.Reached.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("the scheduler did not process the batches");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _scheduler.RequestStop();
        _scheduler.Completion.Wait(TimeSpan.FromSeconds(10));
        _graph.Dispose();
    }
}
