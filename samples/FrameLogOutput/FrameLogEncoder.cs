using System.Buffers.Binary;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

/// <summary>Appends <c>[length][frame]</c> records to the current send buffer; submits it at the end of each batch.</summary>
internal sealed class FrameLogEncoder(Action noteThread) : BufferedEncoder
{
    /// <inheritdoc/>
    public override bool Encode(in Packet packet)
    {
        SendBuffer? buffer = Reserve(4 + packet.Frame.Length);
        if (buffer is null)
        {
            return false; // no free buffer: the engine counts an error drop
        }

        Span<byte> record = buffer.Free;
        BinaryPrimitives.WriteUInt32BigEndian(record, (uint)packet.Frame.Length);
        packet.Frame.CopyTo(record[4..]);
        buffer.Length += 4 + packet.Frame.Length;
        buffer.PacketCount++;
        buffer.PacketBytes += packet.Frame.Length;
        return true;
    }

    /// <inheritdoc/>
    public override void EndOfBatch()
    {
        noteThread();
        SubmitCurrent();
    }
}
