using Cpworker.Outputs.Common;

namespace Cpworker.Benchmarks.Generation;

/// <summary>
/// Writes the benchmark capture: a classic pcap file (microseconds, Ethernet) of a mix of frame
/// sizes — half 64–127 bytes, a quarter 128–1023, a quarter 1024–1500 — carrying TCP and UDP over
/// IPv4 and some IPv6 between a few hosts, with correct checksums. The same seed always gives the
/// same bytes.
/// </summary>
/// <remarks>
/// Packets are exactly <see cref="PacketIntervalNanos"/> apart from <see cref="StartTimestampNanos"/>,
/// so that a rate-limit test can compute what a limit lets through: packet <c>i</c> was captured at
/// <c>StartTimestampNanos + i × PacketIntervalNanos</c>.
/// </remarks>
public static class MixedCaptureGenerator
{
    /// <summary>Packets of the standard benchmark capture.</summary>
    public const int DefaultPackets = 1_000_000;

    /// <summary>Capture time of the first packet: 2024-01-01T00:00:00Z.</summary>
    public const long StartTimestampNanos = 1_704_067_200_000_000_000;

    /// <summary>Time between consecutive packets: 1 µs.</summary>
    public const long PacketIntervalNanos = 1_000;

    /// <summary>Smallest frame written.</summary>
    public const int MinFrameLength = 64;

    /// <summary>Largest frame written.</summary>
    public const int MaxFrameLength = 1500;

    /// <summary>The file's declared snaplen.</summary>
    public const int Snaplen = 65535;

    /// <summary>Bytes written to the file at a time.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>Writes <paramref name="packets"/> packets to a new file at <paramref name="path"/> (replacing it).</summary>
    public static void Write(string path, int packets = DefaultPackets, int seed = 1)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        Write(stream, packets, seed);
    }

    /// <summary>Writes the capture to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, int packets, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(packets);
        var random = new DeterministicRandom(seed);
        SyntheticFlow[] flows = CreateFlows(ref random);
        byte[] chunk = new byte[ChunkBytes];
        PcapRecordEncoder.WriteGlobalHeader(chunk, nanosecond: false, Snaplen);
        int used = PcapRecordEncoder.GlobalHeaderLength;
        Span<byte> frame = stackalloc byte[MaxFrameLength];
        for (int i = 0; i < packets; i++)
        {
            int length = NextFrameLength(ref random);
            SyntheticFlow flow = PickFlow(flows, length, ref random);
            Span<byte> f = frame[..length];
            flow.Build(f, fromClient: (random.NextUInt64() & 1) == 0, ref random);
            if (ChunkBytes - used < PcapRecordEncoder.RecordLength(length))
            {
                stream.Write(chunk, 0, used);
                used = 0;
            }

            used += PcapRecordEncoder.WriteRecord(chunk.AsSpan(used), f, length, StartTimestampNanos + i * PacketIntervalNanos, nanosecond: false);
        }

        stream.Write(chunk, 0, used);
    }

    /// <summary>Half 64–127, a quarter 128–1023, a quarter 1024–1500 bytes, uniform within each band.</summary>
    private static int NextFrameLength(ref DeterministicRandom random) => random.Next(0, 4) switch
    {
        0 or 1 => random.Next(64, 128),
        2 => random.Next(128, 1024),
        _ => random.Next(1024, MaxFrameLength + 1),
    };

    /// <summary>A random flow whose headers fit in <paramref name="length"/> (small frames are IPv4 or IPv6/UDP).</summary>
    private static SyntheticFlow PickFlow(SyntheticFlow[] flows, int length, ref DeterministicRandom random)
    {
        int i = random.Next(0, flows.Length);
        while (flows[i].HeaderLength > length)
        {
            i = (i + 1) % flows.Length;
        }

        return flows[i];
    }

    /// <summary>
    /// Sixteen flows between clients on one subnet and a few servers: twelve over IPv4 (eight TCP,
    /// four UDP) and four over IPv6 (two of each).
    /// </summary>
    private static SyntheticFlow[] CreateFlows(ref DeterministicRandom random)
    {
        ushort[] tcpPorts = [443, 5201, 8443, 9443];
        // Ports no decoder claims: a random payload would look malformed to a DNS or NTP dissector; and
        // never 4700–4799, which direction classification reads as VXLAN.
        ushort[] udpPorts = [5004, 5006, 40000, 40002];
        byte[] router = [0x02, 0x00, 0x5E, 0x00, 0x01, 0x01];
        var flows = new SyntheticFlow[16];
        for (int i = 0; i < flows.Length; i++)
        {
            bool v6 = i >= 12;
            bool tcp = v6 ? i < 14 : i < 8;
            byte[] clientMac = [0x02, 0x42, 0xAC, 0x11, 0x00, (byte)(2 + i)];
            byte[] client = v6 ? V6(0x0001, (byte)(0x10 + i)) : [10, 0, 1, (byte)(10 + i)];
            byte[] server = v6 ? V6(0x0002, (byte)(1 + (i % 3))) : [10, 0, 2, (byte)(1 + (i % 4))];
            ushort serverPort = tcp ? tcpPorts[i % tcpPorts.Length] : udpPorts[i % udpPorts.Length];
            ushort clientPort = (ushort)random.Next(32768, 61000);
            flows[i] = new SyntheticFlow(tcp, clientMac, router, client, server, clientPort, serverPort, ref random);
        }

        return flows;
    }

    /// <summary>An address in the unique-local prefix fd00:cafe::/32.</summary>
    private static byte[] V6(ushort subnet, byte host) =>
        [0xFD, 0x00, 0xCA, 0xFE, 0, 0, (byte)(subnet >> 8), (byte)subnet, 0, 0, 0, 0, 0, 0, 0, host];
}
