using Cpworker.Engine.Packets;
using Cpworker.Engine.Threading;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>The pipeline's queue: <see cref="BoundedQueue{T}"/>, the lock-free MPMC ring.</summary>
internal sealed class RingHandOff(int capacity) : IHandOff
{
    private readonly BoundedQueue<PacketBatch> _queue = new(capacity);

    public bool TryPut(PacketBatch batch) => _queue.TryEnqueue(batch);

    public bool TryTake(out PacketBatch? batch) => _queue.TryDequeue(out batch);
}
