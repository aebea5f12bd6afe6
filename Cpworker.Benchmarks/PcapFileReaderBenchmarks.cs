using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Benchmarks;

/// <summary>
/// Replay throughput of <see cref="PcapFileSource"/>: a whole file read into one batch at a time,
/// as a capture thread does. Reported per packet (packets/s = 10^9 / Mean in ns). The file sits in
/// the page cache, so this measures the reader, not the disk.
/// </summary>
[MemoryDiagnoser]
public class PcapFileReaderBenchmarks
{
    private const int Packets = 200_000;

    private string _path = "";
    private PacketBatch _batch = null!;

    /// <summary>Frame size: 64-byte frames, or a mix of 64/576/1514 (7:4:1, "IMIX").</summary>
    [Params("64", "imix")]
    public string Sizes { get; set; } = "64";

    /// <summary>BPF applied per frame with pcap_offline_filter; empty = none.</summary>
    [Params("", "udp and not port 53")]
    public string Filter { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _path = Path.Combine(Path.GetTempPath(), $"cpw-bench-{Environment.ProcessId}-{Sizes}.pcap");
        WriteFile(_path, Sizes == "imix");
        int perFrame = 65535 + 16;
        _batch = new PacketBatch(Math.Max(TaskGraph.MinBatchBytes, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(2 * perFrame))), TaskGraph.MaxPacketsPerBatch);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(OperationsPerInvoke = Packets)]
    public long ReplayFile()
    {
        var config = new PcapFileCaptureConfig { FileName = _path, Bpf = Filter.Length == 0 ? null : Filter };
        using var source = new PcapFileSource(config, null, NullLogger.Instance, "bench", TimeProvider.System);
        source.Open();
        long packets = 0;
        SourceStatus status;
        do
        {
            status = source.Fill(_batch, 50);
            packets += _batch.Count;
            _batch.Reset();
        }
        while (status == SourceStatus.Active);

        if (packets != Packets)
        {
            throw new InvalidOperationException($"replayed {packets} packets, expected {Packets}");
        }

        return packets;
    }

    private static void WriteFile(string path, bool imix)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> header = stackalloc byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 0xA1B2C3D4);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 65535);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], 1);
        file.Write(header);

        byte[] frame = new byte[14 + 1500];
        frame[12] = 0x08; // IPv4
        frame[14] = 0x45;
        frame[14 + 9] = 17; // UDP
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(14 + 20 + 2), 8011);
        Span<byte> record = stackalloc byte[16];
        for (int i = 0; i < Packets; i++)
        {
            int size = !imix ? 64 : (i % 12) switch { < 7 => 64, < 11 => 576, _ => 1514 };
            BinaryPrimitives.WriteUInt32LittleEndian(record, 1_700_000_000 + (uint)(i / 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], (uint)(i % 1000 * 1000));
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)size);
            file.Write(record);
            file.Write(frame, 0, size);
        }
    }
}
