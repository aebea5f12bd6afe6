using System.Buffers.Binary;
using Cpworker.Benchmarks.Generation;

namespace Cpworker.Benchmarks.Compare;

/// <summary>The capture a comparison replays: its path and what it holds.</summary>
/// <param name="Path">The pcap file.</param>
/// <param name="Packets">Records in the file.</param>
/// <param name="FrameBytes">Sum of the records' captured lengths.</param>
internal sealed record CaptureInfo(string Path, long Packets, long FrameBytes)
{
    /// <summary>Average captured frame length.</summary>
    public double AverageFrame => Packets == 0 ? 0 : (double)FrameBytes / Packets;

    /// <summary>
    /// The capture to use: <paramref name="path"/> when given, else the deterministic mixed capture
    /// of <paramref name="packets"/> packets, generated once into <paramref name="cacheDirectory"/>.
    /// </summary>
    public static CaptureInfo Resolve(string? path, int packets, string cacheDirectory, TextWriter log)
    {
        if (path is null)
        {
            Directory.CreateDirectory(cacheDirectory);
            path = System.IO.Path.Combine(cacheDirectory, $"mixed-{packets}.pcap");
            if (!File.Exists(path))
            {
                log.WriteLine($"generating {path} ({packets} packets) …");
                string partial = path + $".{Environment.ProcessId}.tmp";
                MixedCaptureGenerator.Write(partial, packets);
                File.Move(partial, path, overwrite: true);
            }
        }
        else if (!File.Exists(path))
        {
            throw new ArgumentException($"--capture: {path}: no such file");
        }

        return Scan(path);
    }

    /// <summary>Counts the records and frame bytes of a classic pcap file (either byte order).</summary>
    public static CaptureInfo Scan(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Span<byte> header = stackalloc byte[24];
        stream.ReadExactly(header);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        bool swapped = magic is 0xD4C3B2A1 or 0x4D3CB2A1;
        if (!swapped && magic is not (0xA1B2C3D4 or 0xA1B23C4D))
        {
            throw new ArgumentException($"{path} is not a classic pcap file");
        }

        Span<byte> record = stackalloc byte[16];
        long packets = 0, bytes = 0;
        while (stream.ReadAtLeast(record, 16, throwOnEndOfStream: false) == 16)
        {
            uint caplen = swapped ? BinaryPrimitives.ReadUInt32BigEndian(record[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(record[8..]);
            stream.Seek(caplen, SeekOrigin.Current);
            packets++;
            bytes += caplen;
        }

        return new CaptureInfo(path, packets, bytes);
    }
}
