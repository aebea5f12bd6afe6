using System.Globalization;
using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Senders;

namespace Cpworker.Host.Recv.Output;

/// <summary>
/// <c>--rotate DIR</c>: pcapng files named like <c>rotating_file</c>'s,
/// <c>DIR/&lt;yyyyMMddHH&gt;/cpworker_recv_&lt;yyyyMMddHHmmss&gt;[_n].pcapng</c> in local time,
/// <c>.part</c> while written; a new file every <c>interval</c> (checked once a second) and at most
/// <c>maxFiles</c> complete files kept (0 = all).
/// </summary>
internal sealed class RotatingPcapngSink : IFrameSink
{
    /// <summary>Start of every file name.</summary>
    public const string Prefix = "cpworker_recv_";

    private readonly string _root;
    private readonly TimeSpan _interval;
    private readonly int _maxFiles;
    private readonly Queue<string> _complete = new();
    private PcapngFileWriter _writer;
    private long _openedTicks;

    /// <summary>Opens the first file.</summary>
    public RotatingPcapngSink(string root, TimeSpan interval, int maxFiles)
    {
        _root = Path.GetFullPath(root);
        _interval = interval;
        _maxFiles = maxFiles;
        _writer = Open();
    }

    /// <inheritdoc/>
    public object Gate { get; } = new();

    /// <inheritdoc/>
    public bool Write(SenderEntry sender, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction)
    {
        _writer.Write(sender, frame, originalLength, timestampNanos, direction);
        return true;
    }

    /// <inheritdoc/>
    public void Tick()
    {
        _writer.Flush();
        if (_interval > TimeSpan.Zero && Environment.TickCount64 - _openedTicks >= (long)_interval.TotalMilliseconds)
        {
            Retire();
            _writer = Open();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Retire();

    private PcapngFileWriter Open()
    {
        DateTimeOffset now = DateTimeOffset.Now;
        string dir = Path.Combine(_root, now.ToString("yyyyMMddHH", CultureInfo.InvariantCulture));
        string stamp = now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        string path = Path.Combine(dir, $"{Prefix}{stamp}.pcapng");
        for (int n = 1; File.Exists(path) || File.Exists(path + PcapngFileWriter.PartSuffix); n++)
        {
            path = Path.Combine(dir, $"{Prefix}{stamp}_{n}.pcapng");
        }

        _openedTicks = Environment.TickCount64;
        return new PcapngFileWriter(path);
    }

    private void Retire()
    {
        _writer.Complete();
        _complete.Enqueue(_writer.Path);
        while (_maxFiles > 0 && _complete.Count > _maxFiles)
        {
            File.Delete(_complete.Dequeue());
        }
    }
}
