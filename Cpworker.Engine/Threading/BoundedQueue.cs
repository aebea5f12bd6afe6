using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cpworker.Engine.Threading;

/// <summary>
/// A fixed-capacity, lock-free, allocation-free FIFO queue that any number of threads may use
/// (Vyukov's bounded MPMC ring).
/// </summary>
/// <remarks>
/// Used instead of <c>System.Threading.Channels</c> between pinned packet threads: a bounded
/// channel takes a lock per operation and can only wait asynchronously, which allocates on a
/// thread that has to block. Waiting is the caller's business (see <see cref="ParkingSignal"/>).
/// </remarks>
internal sealed class BoundedQueue<T> where T : class
{
    private readonly Cell[] _cells;
    private readonly int _mask;

    /// <summary>Next position to enqueue at; padded away from the dequeue position to avoid false sharing.</summary>
    private PaddedLong _enqueuePosition;

    /// <summary>Next position to dequeue from.</summary>
    private PaddedLong _dequeuePosition;

    /// <summary>Creates a queue holding at least <paramref name="capacity"/> items (rounded up to a power of two).</summary>
    public BoundedQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _cells = new Cell[size];
        for (int i = 0; i < size; i++)
        {
            _cells[i].Sequence = i;
        }

        _mask = size - 1;
        Capacity = size;
    }

    /// <summary>The number of items the queue can hold.</summary>
    public int Capacity { get; }

    /// <summary>Approximate number of items queued (exact when no other thread is using the queue).</summary>
    public int Count => (int)(Volatile.Read(ref _enqueuePosition.Value) - Volatile.Read(ref _dequeuePosition.Value));

    /// <summary>Adds an item; false when the queue is full.</summary>
    public bool TryEnqueue(T item)
    {
        Debug.Assert(item is not null);
        long pos = Volatile.Read(ref _enqueuePosition.Value);
        while (true)
        {
            ref Cell cell = ref _cells[pos & _mask];
            long seq = Volatile.Read(ref cell.Sequence);
            long diff = seq - pos;
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePosition.Value, pos + 1, pos) == pos)
                {
                    cell.Item = item;
                    Volatile.Write(ref cell.Sequence, pos + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                return false;
            }

            pos = Volatile.Read(ref _enqueuePosition.Value);
        }
    }

    /// <summary>Takes the oldest item; false when the queue is empty.</summary>
    public bool TryDequeue([MaybeNullWhen(false)] out T item)
    {
        long pos = Volatile.Read(ref _dequeuePosition.Value);
        while (true)
        {
            ref Cell cell = ref _cells[pos & _mask];
            long seq = Volatile.Read(ref cell.Sequence);
            long diff = seq - (pos + 1);
            if (diff == 0)
            {
                if (Interlocked.CompareExchange(ref _dequeuePosition.Value, pos + 1, pos) == pos)
                {
                    item = cell.Item!;
                    cell.Item = null;
                    Volatile.Write(ref cell.Sequence, pos + _mask + 1);
                    return true;
                }
            }
            else if (diff < 0)
            {
                item = null;
                return false;
            }

            pos = Volatile.Read(ref _dequeuePosition.Value);
        }
    }

    private struct Cell
    {
        public long Sequence;
        public T? Item;
    }
}
