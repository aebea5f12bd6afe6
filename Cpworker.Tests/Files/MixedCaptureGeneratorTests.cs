using System.Buffers.Binary;
using System.Security.Cryptography;
using Cpworker.Benchmarks.Generation;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Files;

/// <summary>The benchmark capture: deterministic, the promised mix, readable by real decoders.</summary>
[TestFixture]
public sealed class MixedCaptureGeneratorTests
{
    /// <summary>SHA-256 of 1000 packets with seed 1.</summary>
    private const string PinnedHash = "ab349f7ba7e39d90276e2921311b10282ba8fde9cd8bb292dd647255ae82d38a";

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cpwt-gen-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        string a = Generate(20_000, 1, "a.pcap");
        string b = Generate(20_000, 1, "b.pcap");
        string c = Generate(20_000, 2, "c.pcap");
        Assert.That(Hash(b), Is.EqualTo(Hash(a)));
        Assert.That(Hash(c), Is.Not.EqualTo(Hash(a)));
    }

    [Test]
    public void The_bytes_are_pinned_so_benchmarks_stay_comparable()
    {
        // Changing the generator changes every benchmark's input: update this hash deliberately.
        Assert.That(Hash(Generate(1000, 1, "pinned.pcap")), Is.EqualTo(PinnedHash));
    }

    [Test]
    public void Sizes_timestamps_and_protocols_are_as_promised()
    {
        const int n = 20_000;
        PcapFileReader file = PcapFileReader.Read(Generate(n, 7, "mix.pcap"));
        Assert.That((file.Magic, file.LinkType, file.Snaplen), Is.EqualTo((0xA1B2C3D4u, 1u, 65535u)));
        Assert.That(file.Records, Has.Count.EqualTo(n));
        int small = 0, medium = 0, large = 0, v6 = 0, tcp = 0, udp = 0;
        var flows = new HashSet<string>();
        for (int i = 0; i < n; i++)
        {
            PcapRecord r = file.Records[i];
            long ts = MixedCaptureGenerator.StartTimestampNanos + i * MixedCaptureGenerator.PacketIntervalNanos;
            Assert.That((r.Seconds, r.Subseconds), Is.EqualTo(((uint)(ts / 1_000_000_000), (uint)(ts % 1_000_000_000 / 1000))), $"record {i}");
            Assert.That(r.OriginalLength, Is.EqualTo(r.CaptureLength));
            int len = (int)r.CaptureLength;
            Assert.That(len, Is.InRange(64, 1500));
            if (len < 128)
            {
                small++;
            }
            else if (len < 1024)
            {
                medium++;
            }
            else
            {
                large++;
            }

            byte[] d = r.Data;
            bool isV6 = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(12)) == 0x86DD;
            v6 += isV6 ? 1 : 0;
            byte protocol = isV6 ? d[14 + 6] : d[14 + 9];
            tcp += protocol == 6 ? 1 : 0;
            udp += protocol == 17 ? 1 : 0;
            int l4 = 14 + (isV6 ? 40 : 20);
            ushort p1 = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(l4));
            ushort p2 = BinaryPrimitives.ReadUInt16BigEndian(d.AsSpan(l4 + 2));
            flows.Add($"{protocol}/{Math.Min(p1, p2)}/{Math.Max(p1, p2)}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(small / (double)n, Is.EqualTo(0.50).Within(0.02), "64–127 B");
            Assert.That(medium / (double)n, Is.EqualTo(0.25).Within(0.02), "128–1023 B");
            Assert.That(large / (double)n, Is.EqualTo(0.25).Within(0.02), "1024–1500 B");
            Assert.That(v6 / (double)n, Is.InRange(0.10, 0.30), "some IPv6");
            Assert.That(tcp + udp, Is.EqualTo(n));
            Assert.That(tcp / (double)n, Is.InRange(0.4, 0.8), "TCP");
            Assert.That(flows, Has.Count.InRange(8, 16), "a few flows");
        });
    }

    [Test]
    public void Tcpdump_reads_it_and_tshark_finds_every_checksum_correct()
    {
        string path = Generate(3000, 1, "real.pcap");
        Assert.That(PcapTools.TcpdumpCount(path), Is.EqualTo(3000));
        (int code, string stdout, string stderr) = Run.Command(
            "tshark",
            // RTCP's heuristic claims the odd random UDP payload (and then finds it malformed).
            $"-r {path} --disable-protocol rtcp -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields -e ip.checksum.status -e tcp.checksum.status -e udp.checksum.status -e _ws.malformed -e tcp.port -e udp.port");
        Assert.That(code, Is.Zero, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3000));
        // Checksum status 1 = good, 0 = bad; every packet has its L4 checksum verified good, and no
        // dissector finds it malformed (the ports are chosen so that no decoder reads the random payloads).
        string[][] fields = [.. lines.Select(l => l.Split('\t'))];
        Assert.That(fields.Where(f => f[0] == "0" || f[1] == "0" || f[2] == "0" || f[3].Length > 0).Select(f => string.Join(' ', f)), Is.Empty);
        Assert.That(fields.Count(f => f[1] == "1" || f[2] == "1"), Is.EqualTo(3000));
        Assert.That(fields.Count(f => f[0] == "1"), Is.GreaterThan(2000), "IPv4 header checksums verified");
    }

    private string Generate(int packets, int seed, string name)
    {
        string path = Path.Combine(_dir, name);
        MixedCaptureGenerator.Write(path, packets, seed);
        return path;
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
