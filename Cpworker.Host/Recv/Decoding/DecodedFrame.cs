using Cpworker.Engine.Packets;

namespace Cpworker.Host.Recv.Decoding;

/// <summary>
/// One inner frame found by a decoder: where it lies in the buffer that was decoded, and what the
/// encapsulation said about it. Timestamps are nanoseconds since the Unix epoch, or
/// <see cref="NoTimestamp"/> when the format does not carry one (the receiver stamps the arrival).
/// </summary>
internal readonly record struct DecodedFrame(int Offset, int Length, int OriginalLength, PacketDirection Direction, uint Tag, long TimestampNanos)
{
    /// <summary>The format carries no capture time.</summary>
    public const long NoTimestamp = -1;

    /// <summary>The frame bytes inside <paramref name="buffer"/>, the buffer the decoder was given.</summary>
    public ReadOnlySpan<byte> In(ReadOnlySpan<byte> buffer) => buffer.Slice(Offset, Length);
}
