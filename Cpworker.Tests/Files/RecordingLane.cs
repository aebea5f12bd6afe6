using Cpworker.Engine.Outputs;

namespace Cpworker.Tests.Files;

/// <summary>An <see cref="ISendLane"/> with a fixed number of buffers that keeps what is submitted, for encoder unit tests.</summary>
internal sealed class RecordingLane : ISendLane
{
    private readonly Queue<SendBuffer> _free = new();

    /// <summary>Creates <paramref name="buffers"/> buffers of <paramref name="bytes"/> bytes.</summary>
    public RecordingLane(int buffers, int bytes)
    {
        for (int i = 0; i < buffers; i++)
        {
            _free.Enqueue(new SendBuffer(bytes, 1));
        }
    }

    /// <summary>Submitted buffers, in order: (bytes, packets, packet bytes, first record timestamp).</summary>
    public List<(byte[] Bytes, int Packets, long PacketBytes, long FirstRecordTimestamp)> Submitted { get; } = [];

    /// <inheritdoc/>
    public SendBuffer? TryRent() => _free.TryDequeue(out SendBuffer? b) ? b : null;

    /// <inheritdoc/>
    public void Submit(SendBuffer buffer)
    {
        Submitted.Add((buffer.Written.ToArray(), buffer.PacketCount, buffer.PacketBytes, buffer.FirstRecordTimestamp));
    }

    /// <inheritdoc/>
    public void Return(SendBuffer buffer)
    {
        buffer.Reset();
        _free.Enqueue(buffer);
    }
}
