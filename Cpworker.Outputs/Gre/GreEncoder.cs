using Cpworker.Engine.Packets;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Gre;

/// <summary>Turns packets into GRE datagrams (docs/wire-formats.md, "GRE"), one per frame, batched for <c>sendmmsg</c>.</summary>
/// <remarks>Packet thread only; allocates nothing per packet.</remarks>
internal sealed class GreEncoder : DatagramEncoder
{
    private readonly uint _serviceTag;
    private readonly int _maxFrame;

    /// <summary>
    /// Creates the encoder. Frames longer than <paramref name="maxFrame"/> (what one GRE packet of
    /// the destination's IP version can carry) are truncated to it.
    /// </summary>
    public GreEncoder(uint serviceTag, int maxFrame)
    {
        _serviceTag = serviceTag;
        _maxFrame = maxFrame;
    }

    /// <summary>Longest frame for an IPv4 or IPv6 destination.</summary>
    public static int MaxFrame(bool ipv6) =>
        (ipv6 ? DatagramBuffers.MaxIpv6Payload : DatagramBuffers.MaxIpv4Payload);

    /// <inheritdoc/>
    public override bool Encode(in Packet packet)
    {
        ReadOnlySpan<byte> frame = packet.Frame;
        if (frame.Length > _maxFrame)
        {
            frame = frame[.._maxFrame];
        }

        Span<byte> d = Reserve(GreFormat.HeaderLength + frame.Length);
        if (d.IsEmpty)
        {
            return false;
        }

        Commit(GreFormat.Write(d, frame, _serviceTag, packet.Direction), packet.Frame.Length);
        return true;
    }
}
