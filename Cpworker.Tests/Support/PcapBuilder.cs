using System.Buffers.Binary;

namespace Cpworker.Tests.Support;

/// <summary>Writes small classic pcap files for tests, byte by byte as docs/files.md, "The file format" describes.</summary>
internal sealed class PcapBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly bool _nano;

    /// <summary>Starts a file with the given link type (1 = Ethernet) and timestamp precision.</summary>
    public PcapBuilder(uint linkType = 1, int snaplen = 262144, bool nanosecond = false)
    {
        _nano = nanosecond;
        Span<byte> h = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(h, nanosecond ? 0xA1B23C4D : 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(h[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(h[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(h[16..], (uint)snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(h[20..], linkType);
        _stream.Write(h);
    }

    /// <summary>Number of records added.</summary>
    public int Count { get; private set; }

    /// <summary>Adds a record captured at <paramref name="timestampNanos"/> (ns since the epoch).</summary>
    public PcapBuilder Add(ReadOnlySpan<byte> frame, long timestampNanos, int? originalLength = null)
    {
        Span<byte> h = stackalloc byte[16];
        long sec = timestampNanos / 1_000_000_000;
        long frac = timestampNanos % 1_000_000_000;
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)sec);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)(_nano ? frac : frac / 1000));
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], (uint)frame.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], (uint)(originalLength ?? frame.Length));
        _stream.Write(h);
        _stream.Write(frame);
        Count++;
        return this;
    }

    /// <summary>The file's bytes so far.</summary>
    public byte[] ToArray() => _stream.ToArray();

    /// <summary>Writes the file to <paramref name="path"/> and returns the path.</summary>
    public string WriteTo(string path)
    {
        System.IO.File.WriteAllBytes(path, ToArray());
        return path;
    }
}
