using System.Buffers.Binary;

namespace Cpworker.Tests.Files;

/// <summary>One record of a pcap file as stored.</summary>
internal sealed record PcapRecord(uint Seconds, uint Subseconds, uint CaptureLength, uint OriginalLength, byte[] Data);

/// <summary>
/// A strict reader of little-endian classic pcap files, written independently of the code under
/// test: it rejects anything malformed, including a torn last record.
/// </summary>
internal sealed class PcapFileReader
{
    private PcapFileReader(uint magic, uint snaplen, uint linkType, IReadOnlyList<PcapRecord> records)
    {
        Magic = magic;
        Snaplen = snaplen;
        LinkType = linkType;
        Records = records;
    }

    /// <summary>The magic number as read little-endian.</summary>
    public uint Magic { get; }

    /// <summary>Declared snaplen.</summary>
    public uint Snaplen { get; }

    /// <summary>Declared link type.</summary>
    public uint LinkType { get; }

    /// <summary>True for nanosecond timestamps.</summary>
    public bool IsNanosecond => Magic == 0xA1B23C4D;

    /// <summary>The records in file order.</summary>
    public IReadOnlyList<PcapRecord> Records { get; }

    /// <summary>Reads and checks a whole file.</summary>
    public static PcapFileReader Read(string path) => Parse(System.IO.File.ReadAllBytes(path), path);

    /// <summary>Parses and checks a whole file's bytes.</summary>
    public static PcapFileReader Parse(byte[] bytes, string name = "file")
    {
        if (bytes.Length < 24)
        {
            throw new FormatException($"{name}: {bytes.Length} bytes, shorter than a global header");
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        if (magic is not (0xA1B2C3D4 or 0xA1B23C4D))
        {
            throw new FormatException($"{name}: magic {magic:x8}");
        }

        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)), Is.EqualTo(2), $"{name}: version major");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)), Is.EqualTo(4), $"{name}: version minor");
        Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)), Is.Zero, $"{name}: thiszone and sigfigs");
        uint snaplen = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(16));
        uint linkType = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(20));
        var records = new List<PcapRecord>();
        int offset = 24;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 16)
            {
                throw new FormatException($"{name}: torn record header at {offset}");
            }

            ReadOnlySpan<byte> h = bytes.AsSpan(offset, 16);
            uint caplen = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]);
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
            if (caplen > snaplen || caplen > len || bytes.Length - offset - 16 < caplen)
            {
                throw new FormatException($"{name}: bad record at {offset}: caplen {caplen}, len {len}, snaplen {snaplen}");
            }

            uint sub = BinaryPrimitives.ReadUInt32LittleEndian(h[4..]);
            if (sub >= (magic == 0xA1B23C4D ? 1_000_000_000u : 1_000_000u))
            {
                throw new FormatException($"{name}: sub-second field {sub} out of range at {offset}");
            }

            records.Add(new PcapRecord(BinaryPrimitives.ReadUInt32LittleEndian(h), sub, caplen, len, bytes.AsSpan(offset + 16, (int)caplen).ToArray()));
            offset += 16 + (int)caplen;
        }

        return new PcapFileReader(magic, snaplen, linkType, records);
    }
}
