using System.Threading.Channels;
using Cpworker.Engine.Packets;

namespace Cpworker.Benchmarks.HandOff;

/// <summary>
/// A bounded <see cref="Channel{T}"/> with the single-reader and single-writer hints, used through
/// <c>TryWrite</c>/<c>TryRead</c> only: a pinned thread never awaits, so the waiting is the
/// benchmark's (the same parking as the ring's), and the channel's cost is its per-item lock.
/// </summary>
internal sealed class ChannelHandOff(int capacity) : IHandOff
{
    private readonly Channel<PacketBatch> _channel = Channel.CreateBounded<PacketBatch>(new BoundedChannelOptions(capacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
        AllowSynchronousContinuations = false,
    });

    public bool TryPut(PacketBatch batch) => _channel.Writer.TryWrite(batch);

    public bool TryTake(out PacketBatch? batch) => _channel.Reader.TryRead(out batch);
}
