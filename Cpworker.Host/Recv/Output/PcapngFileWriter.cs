using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Senders;

namespace Cpworker.Host.Recv.Output;

/// <summary>
/// One pcapng file: written as <c>NAME.part</c> and renamed to <c>NAME</c> when complete (on
/// <see cref="Complete"/>). Blocks are gathered in a 1 MiB buffer and written in large pieces; a
/// sender's interface description is written before its first packet in this file.
/// </summary>
internal sealed class PcapngFileWriter : IDisposable
{
    /// <summary>Appended to the name while the file is written.</summary>
    public const string PartSuffix = ".part";

    private const int BufferBytes = 1 << 20;
    private static long s_generations;

    private readonly FileStream _stream;
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
    private readonly long _generation = Interlocked.Increment(ref s_generations);
    private int _used;
    private int _interfaces;
    private bool _completed;

    /// <summary>Creates <c><paramref name="path"/>.part</c> (replacing it) and writes the section header.</summary>
    public PcapngFileWriter(string path)
    {
        Path = path;
        string? dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        _stream = new FileStream(path + PartSuffix, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _used = PcapngFormat.WriteSectionHeader(_buffer, $"cpworker recv {VersionInfo.Version}");
    }

    /// <summary>The complete file's name.</summary>
    public string Path { get; }

    /// <summary>Bytes written so far (including the buffer).</summary>
    public long Length => _stream.Position + _used;

    /// <summary>Appends one packet block (and the sender's interface block when it is new to this file).</summary>
    public void Write(SenderEntry sender, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction)
    {
        if (frame.Length > PcapngFormat.MaxFrameLength)
        {
            frame = frame[..PcapngFormat.MaxFrameLength];
        }

        if (sender.FileGeneration != _generation)
        {
            Reserve(PcapngFormat.MaxInterfaceBlockLength);
            _used += PcapngFormat.WriteInterface(_buffer.AsSpan(_used), sender.Name, Describe(sender));
            sender.FileGeneration = _generation;
            sender.InterfaceId = _interfaces++;
        }

        Reserve(PcapngFormat.PacketBlockLength(frame.Length));
        // epb_flags direction: 1 inbound, 2 outbound — the same numbers as cpworker's 1 incoming (request), 2 outgoing (response).
        int flags = direction is PacketDirection.Incoming or PacketDirection.Outgoing ? (int)direction : 0;
        _used += PcapngFormat.WritePacket(_buffer.AsSpan(_used), sender.InterfaceId, timestampNanos, frame, originalLength, flags);
    }

    /// <summary>Writes what is buffered to the file.</summary>
    public void Flush()
    {
        if (_used > 0)
        {
            _stream.Write(_buffer, 0, _used);
            _used = 0;
        }
    }

    /// <summary>Flushes, closes and renames <c>.part</c> away: the file is complete.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        Flush();
        _stream.Dispose();
        File.Move(Path + PartSuffix, Path, overwrite: true);
    }

    /// <inheritdoc/>
    public void Dispose() => Complete();

    private static string Describe(SenderEntry s) =>
        s.TagText.Length == 0 ? $"cpworker recv: {s.Listener}, sender {s.Sender}" : $"cpworker recv: {s.Listener}, sender {s.Sender}, {s.TagText}";

    private void Reserve(int bytes)
    {
        if (_used + bytes > _buffer.Length)
        {
            Flush();
        }
    }
}
