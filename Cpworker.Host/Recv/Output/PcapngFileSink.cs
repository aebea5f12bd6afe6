using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Senders;

namespace Cpworker.Host.Recv.Output;

/// <summary><c>-w FILE</c>: one pcapng file, <c>FILE.part</c> until recv stops.</summary>
internal sealed class PcapngFileSink : IFrameSink
{
    private readonly PcapngFileWriter _writer;

    /// <summary>Creates the file.</summary>
    public PcapngFileSink(string path) => _writer = new PcapngFileWriter(path);

    /// <inheritdoc/>
    public object Gate { get; } = new();

    /// <inheritdoc/>
    public bool Write(SenderEntry sender, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction)
    {
        _writer.Write(sender, frame, originalLength, timestampNanos, direction);
        return true;
    }

    /// <inheritdoc/>
    public void Tick() => _writer.Flush();

    /// <inheritdoc/>
    public void Dispose() => _writer.Complete();
}
