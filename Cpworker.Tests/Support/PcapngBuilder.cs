using System.Buffers.Binary;

namespace Cpworker.Tests.Support;

/// <summary>
/// Writes small pcapng files for tests, in either byte order: sections, interfaces (with
/// <c>if_tsresol</c>), enhanced and simple packet blocks, and blocks of unknown type. tshark reads
/// what it writes (checked in the tests that use it).
/// </summary>
internal sealed class PcapngBuilder
{
    private readonly MemoryStream _stream = new();
    private readonly bool _bigEndian;
    private readonly List<(bool Binary, int Exponent)> _resolutions = [];

    /// <summary>Starts a file with a section header in the given byte order.</summary>
    public PcapngBuilder(bool bigEndian = false)
    {
        _bigEndian = bigEndian;
        Section();
    }

    /// <summary>Starts a new section (its interfaces start again from 0).</summary>
    public PcapngBuilder Section()
    {
        _resolutions.Clear();
        var body = new byte[16];
        W32(body, 0, 0x1A2B3C4D);
        W16(body, 4, 1);
        W16(body, 6, 0);
        BinaryPrimitives.WriteInt64LittleEndian(body.AsSpan(8), -1);
        return Block(0x0A0D0D0A, body);
    }

    /// <summary>Adds an interface; <paramref name="tsresol"/> is the raw <c>if_tsresol</c> byte (null = none, microseconds).</summary>
    public PcapngBuilder Interface(ushort linkType, uint snaplen = 0, byte? tsresol = null)
    {
        var body = new List<byte>();
        var fixedPart = new byte[8];
        W16(fixedPart, 0, linkType);
        W32(fixedPart, 4, snaplen);
        body.AddRange(fixedPart);
        if (tsresol is byte r)
        {
            var opt = new byte[8];
            W16(opt, 0, 9);
            W16(opt, 2, 1);
            opt[4] = r;
            body.AddRange(opt);
            body.AddRange(new byte[4]); // opt_endofopt
        }

        _resolutions.Add(tsresol is byte b ? ((b & 0x80) != 0, b & 0x7F) : (false, 6));
        return Block(1, [.. body]);
    }

    /// <summary>Adds an enhanced packet block of interface <paramref name="id"/> captured at <paramref name="timestampNanos"/>.</summary>
    public PcapngBuilder Enhanced(int id, ReadOnlySpan<byte> frame, long timestampNanos, int? originalLength = null)
    {
        (bool binary, int exponent) = _resolutions[id];
        ulong units = binary
            ? (ulong)((UInt128)(ulong)timestampNanos * ((UInt128)1 << exponent) / 1_000_000_000)
            : exponent <= 9 ? (ulong)timestampNanos / Pow10(9 - exponent) : (ulong)timestampNanos * Pow10(exponent - 9);
        var body = new byte[20 + ((frame.Length + 3) & ~3)];
        W32(body, 0, (uint)id);
        W32(body, 4, (uint)(units >> 32));
        W32(body, 8, (uint)units);
        W32(body, 12, (uint)frame.Length);
        W32(body, 16, (uint)(originalLength ?? frame.Length));
        frame.CopyTo(body.AsSpan(20));
        return Block(6, body);
    }

    /// <summary>Adds a simple packet block (interface 0, no timestamp).</summary>
    public PcapngBuilder Simple(ReadOnlySpan<byte> frame)
    {
        var body = new byte[4 + ((frame.Length + 3) & ~3)];
        W32(body, 0, (uint)frame.Length);
        frame.CopyTo(body.AsSpan(4));
        return Block(3, body);
    }

    /// <summary>Adds a block of any type with the given body (padded to 4 bytes).</summary>
    public PcapngBuilder Block(uint type, byte[] body)
    {
        int padded = (body.Length + 3) & ~3;
        var block = new byte[12 + padded];
        W32(block, 0, type);
        W32(block, 4, (uint)block.Length);
        body.CopyTo(block, 8);
        W32(block, block.Length - 4, (uint)block.Length);
        _stream.Write(block);
        return this;
    }

    /// <summary>The file's bytes so far.</summary>
    public byte[] ToArray() => _stream.ToArray();

    /// <summary>Writes the file to <paramref name="path"/> and returns the path.</summary>
    public string WriteTo(string path)
    {
        File.WriteAllBytes(path, ToArray());
        return path;
    }

    private static ulong Pow10(int e)
    {
        ulong p = 1;
        for (int i = 0; i < e; i++)
        {
            p *= 10;
        }

        return p;
    }

    private void W32(byte[] b, int at, uint v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(at), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
        }
    }

    private void W16(byte[] b, int at, ushort v)
    {
        if (_bigEndian)
        {
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(at), v);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
        }
    }
}
