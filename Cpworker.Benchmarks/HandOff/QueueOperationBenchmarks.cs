using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>
/// The queue's own cost, without the other thread: one batch put and taken back on one thread
/// (what each side pays per batch when the other side is awake and keeping up). The two-thread
/// figure is <see cref="HandOffBenchmarks"/>.
/// </summary>
[MemoryDiagnoser]
public class QueueOperationBenchmarks
{
    private PacketBatchPool _pool = null!;
    private PacketBatch _batch = null!;
    private IHandOff _queue = null!;

    /// <summary>The queue under test.</summary>
    [Params("ring", "channel", "spsc")]
    public string Queue { get; set; } = "ring";

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PacketBatchPool(1, TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        _batch = _pool.TryRent()!;
        _queue = Queue switch
        {
            "ring" => new RingHandOff(8),
            "channel" => new ChannelHandOff(8),
            _ => new SpscHandOff(8),
        };
    }

    /// <summary>One put and one take.</summary>
    [Benchmark]
    public bool PutTake() => _queue.TryPut(_batch) && _queue.TryTake(out _);

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Return(_batch);
        _pool.Dispose();
    }
}
