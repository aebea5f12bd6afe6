using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Common;

/// <summary>
/// What GRE and VXLAN encoders share: datagrams are written back to back into a rented
/// <see cref="SendBuffer"/>, described in its message table, and the buffer is submitted when it
/// is full and at the end of every batch (so latency stays at one batch).
/// </summary>
/// <remarks>
/// Runs on the packet thread only. Renting, submitting and giving back are <see cref="BufferedEncoder"/>'s.
/// </remarks>
internal abstract class DatagramEncoder : BufferedEncoder
{
    /// <summary>
    /// Space for one datagram of up to <paramref name="maxBytes"/> bytes, in a buffer with a free
    /// message slot; submits the current buffer first when it has no room. Empty when no buffer is
    /// free (the output is congested): the caller drops the packet.
    /// </summary>
    protected Span<byte> Reserve(int maxBytes)
    {
        SendBuffer? b = Reserve(maxBytes, messages: 1);
        return b is null ? default : b.Free[..maxBytes];
    }

    /// <summary>
    /// Submits the current buffer unless it can take <paramref name="datagrams"/> more datagrams of
    /// <paramref name="bytes"/> bytes in all, so that the datagrams of one split packet stay together
    /// when they fit one buffer at all.
    /// </summary>
    protected void MakeRoomFor(int datagrams, int bytes)
    {
        SendBuffer? b = Current;
        if (b is not null && b.MessageCount > 0 &&
            (b.MaxMessages - b.MessageCount < datagrams || b.Free.Length < bytes) &&
            datagrams <= b.MaxMessages && bytes <= b.Capacity)
        {
            SubmitCurrent();
        }
    }

    /// <summary>
    /// Adds the datagram of <paramref name="length"/> bytes just written at the start of the last
    /// <see cref="Reserve(int)"/> span. <paramref name="packetBytes"/> is the packet's sliced length when
    /// the datagram begins a packet, -1 when it continues one.
    /// </summary>
    protected void Commit(int length, int packetBytes)
    {
        SendBuffer b = Current!;
        b.AddMessage(length, packetBytes);
        if (packetBytes >= 0)
        {
            b.PacketCount++;
            b.PacketBytes += packetBytes;
        }
    }

    /// <inheritdoc/>
    public override void EndOfBatch() => SubmitCurrent();
}
