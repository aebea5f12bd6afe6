using System.Diagnostics;
using Cpworker.Engine.Threading;

namespace Cpworker.Engine.Packets;

/// <summary>
/// A fixed set of <see cref="PacketBatch"/>es, allocated once at start. Renting never allocates:
/// an empty pool answers null and the caller drops (and counts) or waits.
/// </summary>
/// <remarks>
/// The free batches are a stack: the batch rented next is the one returned last, still in the
/// CPU's cache, and batches deeper in the stack are touched only when that many are in flight at
/// once. A pool of 256 MiB whose consumer keeps up thus keeps a few batches resident instead of
/// cycling page faults and cache misses through all of its memory. One short lock per rented or
/// returned batch (hundreds of packets) is all the synchronisation; nothing is taken per packet.
/// </remarks>
internal sealed class PacketBatchPool : IDisposable
{
    /// <summary>Free batches: <c>_free[0.._count)</c>, the most recently returned on top.</summary>
    private readonly PacketBatch[] _free;

    /// <summary>Guards <see cref="_free"/> and <see cref="_count"/>.</summary>
    private readonly Lock _lock = new();

    /// <summary>Number of free batches.</summary>
    private int _count;

    /// <summary>Woken when a batch comes back, for a renter waiting on an empty pool.</summary>
    private readonly ParkingSignal _returned = new();

    /// <summary>Creates <paramref name="batchCount"/> batches of <paramref name="batchBytes"/> data bytes each.</summary>
    public PacketBatchPool(int batchCount, int batchBytes, int maxPacketsPerBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchCount, 1);
        _free = new PacketBatch[batchCount];
        for (int i = 0; i < batchCount; i++)
        {
            _free[i] = new PacketBatch(batchBytes, maxPacketsPerBatch) { InPool = true };
        }

        _count = batchCount;
        Capacity = batchCount;
        BatchBytes = batchBytes;
    }

    /// <summary>Number of batches the pool owns.</summary>
    public int Capacity { get; }

    /// <summary>Data bytes per batch.</summary>
    public int BatchBytes { get; }

    /// <summary>Batches currently in the pool (all of them when nothing is in flight).</summary>
    public int Available => Volatile.Read(ref _count);

    /// <summary>Takes an empty batch; null when the pool is empty. The caller owns the batch until it hands it on or returns it.</summary>
    public PacketBatch? TryRent()
    {
        PacketBatch batch;
        lock (_lock)
        {
            if (_count == 0)
            {
                return null;
            }

            batch = _free[--_count];
            _free[_count] = null!;
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
        batch.ReleaseHeld(); // lent ring blocks go back to the kernel now, not when the batch is next rented
        batch.InPool = true;
        lock (_lock)
        {
            Debug.Assert(_count < _free.Length, "more batches returned than the pool owns");
            _free[_count++] = batch;
        }

        _returned.Wake();
    }

    /// <inheritdoc/>
    public void Dispose() => _returned.Dispose();
}
