using Cpworker.Engine.Outputs;

namespace Cpworker.Tests.Network;

/// <summary>
/// A send lane that keeps a copy of every submitted buffer's datagrams (or whole message) and
/// recycles the buffer at once; optionally refuses to rent, to simulate congestion.
/// </summary>
internal sealed class RecordingLane : ISendLane
{
    private readonly int _bufferBytes;
    private readonly int _maxMessages;
    private int _rented;

    /// <summary>Creates a lane whose buffers have the given shape.</summary>
    public RecordingLane(int bufferBytes, int maxMessages)
    {
        _bufferBytes = bufferBytes;
        _maxMessages = maxMessages;
    }

    /// <summary>Datagrams of all submitted buffers, in order (datagram outputs).</summary>
    public List<byte[]> Datagrams { get; } = [];

    /// <summary><see cref="SendBuffer.MessagePacketBytes"/> of each recorded datagram.</summary>
    public List<int> DatagramPacketBytes { get; } = [];

    /// <summary>Whole written content of each submitted buffer (message outputs).</summary>
    public List<byte[]> Messages { get; } = [];

    /// <summary>(PacketCount, PacketBytes) of each submitted buffer.</summary>
    public List<(int Packets, long Bytes)> Submitted { get; } = [];

    /// <summary>When false, <see cref="TryRent"/> answers null.</summary>
    public bool CanRent { get; set; } = true;

    /// <summary>Buffers rented and neither submitted nor returned.</summary>
    public int Outstanding => _rented;

    /// <inheritdoc/>
    public SendBuffer? TryRent()
    {
        if (!CanRent)
        {
            return null;
        }

        _rented++;
        return new SendBuffer(_bufferBytes, _maxMessages);
    }

    /// <inheritdoc/>
    public void Submit(SendBuffer buffer)
    {
        _rented--;
        for (int i = 0; i < buffer.MessageCount; i++)
        {
            Datagrams.Add(buffer.Written.Slice(buffer.MessageOffsets[i], buffer.MessageLengths[i]).ToArray());
            DatagramPacketBytes.Add(buffer.MessagePacketBytes[i]);
        }

        if (buffer.MessageCount == 0)
        {
            Messages.Add(buffer.Written.ToArray());
        }

        Submitted.Add((buffer.PacketCount, buffer.PacketBytes));
    }

    /// <inheritdoc/>
    public void Return(SendBuffer buffer) => _rented--;
}
