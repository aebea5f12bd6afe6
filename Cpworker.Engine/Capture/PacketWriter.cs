using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>Where an <see cref="IPacketSource"/> writes packets: the engine's current batch. Valid during one <see cref="IPacketSource.Read"/> call.</summary>
public readonly ref struct PacketWriter
{
    private readonly PacketBatch _batch;

    internal PacketWriter(PacketBatch batch) => _batch = batch;

    /// <summary>Packets written into this batch so far.</summary>
    public int Count => _batch.Count;

    /// <summary>
    /// Copies an Ethernet frame into the batch. False when it does not fit (the batch is full):
    /// return from <see cref="IPacketSource.Read"/> and offer the frame again next time.
    /// </summary>
    /// <param name="ethernetFrame">The frame, starting with its Ethernet header.</param>
    /// <param name="originalLength">Its length on the wire (at least the frame's length).</param>
    /// <param name="timestampNanos">Capture time in nanoseconds since the Unix epoch.</param>
    public bool TryWrite(ReadOnlySpan<byte> ethernetFrame, int originalLength, long timestampNanos) =>
        _batch.TryAppend(ethernetFrame, Math.Max(originalLength, ethernetFrame.Length), timestampNanos);
}
