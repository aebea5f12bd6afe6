using Cpworker.Engine.Packets;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>A bounded queue of batches between two threads, as the benchmark drives it: non-blocking put and take.</summary>
internal interface IHandOff
{
    /// <summary>Adds a batch; false when full.</summary>
    bool TryPut(PacketBatch batch);

    /// <summary>Takes the oldest batch; false when empty.</summary>
    bool TryTake(out PacketBatch? batch);
}
