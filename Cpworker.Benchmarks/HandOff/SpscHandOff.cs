using System.Numerics;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Threading;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>
/// A single-producer single-consumer ring: each side owns one index and only reads the other's,
/// so neither needs an interlocked operation (the MPMC ring pays one compare-and-swap per side).
/// </summary>
internal sealed class SpscHandOff : IHandOff
{
    private readonly PacketBatch?[] _items;
    private readonly int _mask;

    /// <summary>Next slot to write; written by the producer only.</summary>
    private PaddedLong _tail;

    /// <summary>Next slot to read; written by the consumer only.</summary>
    private PaddedLong _head;

    public SpscHandOff(int capacity)
    {
        int size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, capacity));
        _items = new PacketBatch?[size];
        _mask = size - 1;
    }

    public bool TryPut(PacketBatch batch)
    {
        long tail = _tail.Value;
        if (tail - Volatile.Read(ref _head.Value) >= _items.Length)
        {
            return false;
        }

        _items[tail & _mask] = batch;
        Volatile.Write(ref _tail.Value, tail + 1);
        return true;
    }

    public bool TryTake(out PacketBatch? batch)
    {
        long head = _head.Value;
        if (head == Volatile.Read(ref _tail.Value))
        {
            batch = null;
            return false;
        }

        batch = _items[head & _mask];
        _items[head & _mask] = null;
        Volatile.Write(ref _head.Value, head + 1);
        return true;
    }
}
