using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// The buffer hand-overs of the packet path, uncontended, on one thread: a packet batch rented
/// from and returned to its pool (once per batch of hundreds of packets), and a send buffer's
/// round trip through a pipeline lane (rent, submit, take on the sender side, recycle) and an rtc
/// lane (rent, submit to a transport that discards). Allocation must read 0 B.
/// </summary>
[MemoryDiagnoser]
public class BufferPoolBenchmarks
{
    private PacketBatchPool _pool = null!;
    private QueuedSendLane _queued = null!;
    private InlineSendLane _inline = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PacketBatchPool(64, TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        _queued = new QueuedSendLane(8, 64 * 1024, 64, waitWhenCongested: false, aborted: () => false);
        _inline = new InlineSendLane(new DiscardTransport(), 64 * 1024, 64);
    }

    /// <summary><see cref="PacketBatchPool.TryRent"/> then <see cref="PacketBatchPool.Return"/>.</summary>
    [Benchmark(Baseline = true)]
    public void BatchRentReturn()
    {
        PacketBatch batch = _pool.TryRent()!;
        _pool.Return(batch);
    }

    /// <summary>A pipeline lane's full cycle: encoder rents and submits, sender takes and recycles.</summary>
    [Benchmark]
    public void QueuedLaneRoundTrip()
    {
        SendBuffer buffer = _queued.TryRent()!;
        buffer.Length = 1;
        _queued.Submit(buffer);
        SendBuffer taken = _queued.TakeWork(0)!;
        _queued.Return(taken);
    }

    /// <summary>An rtc lane's cycle: rent, submit (the transport runs inline).</summary>
    [Benchmark]
    public void InlineLaneRoundTrip()
    {
        SendBuffer buffer = _inline.TryRent()!;
        buffer.Length = 1;
        _inline.Submit(buffer);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _queued.Dispose();
    }

    private sealed class DiscardTransport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
