using System.Buffers.Binary;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>The global header of a classic pcap file (docs/files.md, "The file format"), in either byte order.</summary>
/// <param name="Swapped">True when the file was written in big-endian order (fields need swapping).</param>
/// <param name="Nanoseconds">True for the nanosecond magic.</param>
/// <param name="Snaplen">Snapshot length in effect: the header's, or 262144 when that is 0 or larger (as libpcap).</param>
/// <param name="LinkType">The LINKTYPE value, FCS bits masked off.</param>
internal readonly record struct PcapFileHeader(bool Swapped, bool Nanoseconds, int Snaplen, int LinkType)
{
    /// <summary>Size of the global header.</summary>
    public const int Length = 24;

    /// <summary>Size of a record header.</summary>
    public const int RecordHeaderLength = 16;

    /// <summary>
    /// Parses the first bytes of <paramref name="file"/> (named <paramref name="path"/> in
    /// messages); throws a permanent <see cref="CaptureException"/> saying what is wrong when they
    /// are not a classic pcap header (no retry can fix the file).
    /// </summary>
    public static PcapFileHeader Parse(ReadOnlySpan<byte> file, string path)
    {
        if (file.Length < Length)
        {
            throw new CaptureException(file.Length == 0
                ? $"{path} is empty, not a pcap file"
                : $"{path} is not a pcap file: {file.Length} bytes, shorter than a pcap header", permanent: true);
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        (bool swapped, bool nano) = magic switch
        {
            0xA1B2C3D4 => (false, false),
            0xA1B23C4D => (false, true),
            0xD4C3B2A1 => (true, false),
            0x4D3CB2A1 => (true, true),
            0x0A0D0D0A => throw new CaptureException($"{path} is a pcapng file, not a classic pcap file", permanent: true),
            0xA1B2CD34 or 0x34CDB2A1 => throw new CaptureException($"{path} is a modified (Kuznetzov) pcap file, which is not supported; convert it with: editcap -F pcap {path} out.pcap", permanent: true),
            _ => throw new CaptureException($"{path} is not a pcap file (magic 0x{magic:x8})", permanent: true),
        };

        ushort major = Read16(file[4..], swapped);
        if (major != 2)
        {
            throw new CaptureException($"{path}: pcap version {major}.{Read16(file[6..], swapped)} is not supported (2.x is)", permanent: true);
        }

        uint snaplen = Read32(file[16..], swapped);
        int linkType = (int)(Read32(file[20..], swapped) & 0x03FFFFFF);
        int effective = snaplen == 0 || snaplen > LibpcapCaptureConfig.MaxSnaplen ? LibpcapCaptureConfig.MaxSnaplen : (int)snaplen;
        return new PcapFileHeader(swapped, nano, effective, linkType);
    }

    /// <summary>Reads a 32-bit field of this file's byte order.</summary>
    public static uint Read32(ReadOnlySpan<byte> field, bool swapped) =>
        swapped ? BinaryPrimitives.ReadUInt32BigEndian(field) : BinaryPrimitives.ReadUInt32LittleEndian(field);

    private static ushort Read16(ReadOnlySpan<byte> field, bool swapped) =>
        swapped ? BinaryPrimitives.ReadUInt16BigEndian(field) : BinaryPrimitives.ReadUInt16LittleEndian(field);
}
