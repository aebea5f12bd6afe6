using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>
/// The capture → encapsulation hand-over of the pipeline at batch granularity, with three queues:
/// our <see cref="BoundedQueue{T}"/> (MPMC ring), a bounded <c>Channel&lt;PacketBatch&gt;</c>
/// (single reader and writer) and a single-producer single-consumer ring. Two dedicated threads
/// circulate <see cref="Batches"/> pooled batches through a "full" and a "free" queue of the kind
/// under test, as capture and encapsulation do; both wait the way a pinned thread must: a short
/// spin, then a futex park (<see cref="ParkingSignal"/>), never an await. One operation is one
/// batch handed from producer to consumer (and its return).
/// </summary>
[MemoryDiagnoser]
public class HandOffBenchmarks
{
    private const int Rounds = 20_000;
    private const int SpinsBeforePark = 64;

    private PacketBatchPool _pool = null!;
    private IHandOff _full = null!;
    private IHandOff _free = null!;
    private ParkingSignal _fullSignal = null!;
    private ParkingSignal _freeSignal = null!;
    private Thread _consumer = null!;
    private volatile bool _stop;
    private long _consumed;

    /// <summary>The queue under test.</summary>
    [Params("ring", "channel", "spsc")]
    public string Queue { get; set; } = "ring";

    /// <summary>Batches in circulation (the pipeline pool of a small task holds 8 or more).</summary>
    [Params(8)]
    public int Batches { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PacketBatchPool(Batches, TaskGraph.MinBatchBytes, TaskGraph.MaxPacketsPerBatch);
        _full = Create(Queue, Batches);
        _free = Create(Queue, Batches);
        _fullSignal = new ParkingSignal();
        _freeSignal = new ParkingSignal();
        for (int i = 0; i < Batches; i++)
        {
            _free.TryPut(_pool.TryRent()!);
        }

        _consumer = new Thread(Consume) { IsBackground = true, Name = "handoff-consumer" };
        _consumer.Start();
    }

    /// <summary>The producer's side on the benchmark thread: take a free batch, fill, hand it over.</summary>
    [Benchmark(OperationsPerInvoke = Rounds)]
    public long HandOver()
    {
        for (int i = 0; i < Rounds; i++)
        {
            PacketBatch batch = Take(_free, _freeSignal);
            batch.Reset();
            Put(_full, batch, _fullSignal);
        }

        return Volatile.Read(ref _consumed);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _stop = true;
        _fullSignal.Wake();
        _consumer.Join();
        while (_full.TryTake(out PacketBatch? b) || _free.TryTake(out b))
        {
            _pool.Return(b!);
        }

        _fullSignal.Dispose();
        _freeSignal.Dispose();
        _pool.Dispose();
    }

    private static IHandOff Create(string kind, int capacity) => kind switch
    {
        "ring" => new RingHandOff(capacity),
        "channel" => new ChannelHandOff(capacity),
        "spsc" => new SpscHandOff(capacity),
        _ => throw new ArgumentException($"unknown queue {kind}", nameof(kind)),
    };

    private void Consume()
    {
        while (!_stop)
        {
            if (!TryTakeWaiting(_full, _fullSignal, out PacketBatch? batch))
            {
                continue;
            }

            _consumed += batch!.Count + 1;
            Put(_free, batch, _freeSignal);
        }
    }

    /// <summary>Takes, waiting as a pinned thread does: spin, then park until the other side wakes us.</summary>
    private static PacketBatch Take(IHandOff queue, ParkingSignal signal)
    {
        PacketBatch? batch;
        while (!TryTakeWaiting(queue, signal, out batch))
        {
        }

        return batch!;
    }

    private static bool TryTakeWaiting(IHandOff queue, ParkingSignal signal, out PacketBatch? batch)
    {
        for (int spin = 0; spin < SpinsBeforePark; spin++)
        {
            if (queue.TryTake(out batch))
            {
                return true;
            }

            Thread.SpinWait(8);
        }

        signal.PrepareToPark();
        if (queue.TryTake(out batch))
        {
            signal.CancelPark();
            return true;
        }

        signal.Park(1);
        return queue.TryTake(out batch);
    }

    /// <summary>Puts (the queues hold every batch: never full) and wakes the other side if it sleeps.</summary>
    private static void Put(IHandOff queue, PacketBatch batch, ParkingSignal signal)
    {
        while (!queue.TryPut(batch))
        {
            Thread.SpinWait(8);
        }

        signal.Wake();
    }
}
