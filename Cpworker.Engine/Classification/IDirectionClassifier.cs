using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Classification;

/// <summary>Decides the direction of one frame (docs/direction.md). Implementations are pure and allocation-free.</summary>
internal interface IDirectionClassifier
{
    /// <summary>The direction of <paramref name="frame"/>, an Ethernet frame as captured (possibly truncated).</summary>
    PacketDirection Classify(ReadOnlySpan<byte> frame);
}
