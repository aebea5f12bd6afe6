using System.Diagnostics;
using Cpworker.Engine.Threading;

namespace Cpworker.Engine.Packets;

/// <summary>
/// A fixed set of <see cref="PacketBatch"/>es, allocated once at start. Renting never allocates:
/// an empty pool answers null and the caller drops (and counts) or waits.
/// </summary>
internal sealed class PacketBatchPool : IDisposable
{
    /// <summary>Free batches.</summary>
    private readonly BoundedQueue<PacketBatch> _free;

    /// <summary>Woken when a batch comes back, for a renter waiting on an empty pool.</summary>
    private readonly ParkingSignal _returned = new();

    /// <summary>Creates <paramref name="batchCount"/> batches of <paramref name="batchBytes"/> data bytes each.</summary>
    public PacketBatchPool(int batchCount, int batchBytes, int maxPacketsPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchCount, 1);
        _free = new BoundedQueue<PacketBatch>(batchCount);
        for (int i = 0; i < batchCount; i++)
        {
            var batch = new PacketBatch(batchBytes, maxPacketsPerBatch) { InPool = true };
            _free.TryEnqueue(batch);
        }

        Capacity = batchCount;
        BatchBytes = batchBytes;
    }

    /// <summary>Number of batches the pool owns.</summary>
    public int Capacity { get; }

    /// <summary>Data bytes per batch.</summary>
    public int BatchBytes { get; }

    /// <summary>Batches currently in the pool (all of them when nothing is in flight).</summary>
    public int Available => _free.Count;

    /// <summary>Takes an empty batch; null when the pool is empty. The caller owns the batch until it hands it on or returns it.</summary>
    public PacketBatch? TryRent()
    {
        if (!_free.TryDequeue(out PacketBatch? batch))
        {
            return null;
        }

        Debug.Assert(batch.InPool, "a batch in the free list must be marked as pooled");
        batch.InPool = false;
        batch.Reset();
        return batch;
    }

    /// <summary>
    /// Takes an empty batch, waiting up to <paramref name="timeoutMs"/> for one to be returned
    /// (pipeline back-pressure). Null on timeout.
    /// </summary>
    public PacketBatch? Rent(int timeoutMs)
    {
        PacketBatch? batch = TryRent();
        if (batch is not null || timeoutMs <= 0)
        {
            return batch;
        }

        long deadline = Environment.TickCount64 + timeoutMs;
        var spinner = new SpinWait();
        while (true)
        {
            if (!spinner.NextSpinWillYield)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                _returned.PrepareToPark();
                batch = TryRent();
                if (batch is not null)
                {
                    _returned.CancelPark();
                    return batch;
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    _returned.CancelPark();
                    return null;
                }

                _returned.Park((int)Math.Min(left, 50));
            }

            batch = TryRent();
            if (batch is not null)
            {
                return batch;
            }
        }
    }

    /// <summary>Gives a batch back. After this call the batch is no longer the caller's.</summary>
    public void Return(PacketBatch batch)
    {
        Debug.Assert(!batch.InPool, "batch returned twice");
        batch.InPool = true;
        bool queued = _free.TryEnqueue(batch);
        Debug.Assert(queued, "more batches returned than the pool owns");
        _returned.Wake();
    }

    /// <inheritdoc/>
    public void Dispose() => _returned.Dispose();
}
