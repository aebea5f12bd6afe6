using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;
using static Cpworker.Tests.Capture.CaptureTestFrames;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class PcapFileSourceTests : PcapFileTestBase
{
    private const long T0 = 1_700_000_000_123_456_789;

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsFramesAndTimestampsInBothPrecisions(bool nano)
    {
        var b = new PcapBuilder(nanosecond: nano)
            .Add(TestFrames.FrameA, T0)
            .Add(TestFrames.FrameB, T0 + 1_500_000_001)
            .Add(NumberedUdp(7), T0 + 3_000_000_000);

        List<Captured> packets = ReadToEnd(OpenFile(b.ToArray()), Batch());

        long unit = nano ? 1 : 1000;
        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { TestFrames.FrameA, TestFrames.FrameB, NumberedUdp(7) }));
        Assert.That(packets.Select(p => p.TimestampNanos),
            Is.EqualTo(new[] { T0 / unit * unit, (T0 + 1_500_000_001) / unit * unit, (T0 + 3_000_000_000) / unit * unit }));
        Assert.That(packets.Select(p => p.OriginalLength), Is.EqualTo(new[] { 60, 96, NumberedUdp(7).Length }));
        Assert.That(Log.At(LogLevel.Information), Is.EqualTo(new[] { "replay: end of file" }));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ReadsBigEndianFiles(bool nano)
    {
        var b = new PcapBuilder(snaplen: 1000, nanosecond: nano).Add(TestFrames.FrameA, T0).Add(TestFrames.FrameB.AsSpan(..50), T0 + 5, 96);

        PcapFileSource source = OpenFile(ToBigEndian(b.ToArray()));
        List<Captured> packets = ReadToEnd(source, Batch());

        Assert.That(source.Header.Swapped, Is.True);
        Assert.That(source.Header.Snaplen, Is.EqualTo(1000));
        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { TestFrames.FrameA, TestFrames.FrameB[..50] }));
        Assert.That(packets[1].OriginalLength, Is.EqualTo(96));
        Assert.That(packets[1].TimestampNanos, Is.EqualTo(nano ? T0 + 5 : T0 / 1000 * 1000));
    }

    [TestCase(8 * 1024, 1024)]
    [TestCase(256 * 1024, 1024)]
    [TestCase(256 * 1024, 7)]
    public void RecordsSplitAcrossBlocksAreAllDeliveredInOrder(int batchBytes, int batchPackets)
    {
        var random = new Random(42);
        var b = new PcapBuilder(snaplen: 2048);
        var expected = new List<byte[]>();
        for (int i = 0; i < 3000; i++)
        {
            byte[] f = NumberedUdp(i, random.Next(18, 1473));
            expected.Add(f);
            b.Add(f, T0 + i * 1000L);
        }

        PacketBatch batch = Batch(batchBytes, batchPackets);
        int fills = 0;
        var packets = new List<Captured>();
        PcapFileSource source = OpenFile(b.ToArray());
        while (source.Fill(batch, 50) == SourceStatus.Active)
        {
            Assert.That(batch.Count, Is.GreaterThan(0), "an active fill of a file always delivers");
            Drain(batch, packets);
            Assert.That(++fills, Is.LessThan(10_000));
        }

        Drain(batch, packets);
        Assert.That(packets, Has.Count.EqualTo(3000));
        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(expected));
        Assert.That(packets.Select(p => p.TimestampNanos), Is.EqualTo(Enumerable.Range(0, 3000).Select(i => (T0 + i * 1000L) / 1000 * 1000)));
        Assert.That(fills, Is.GreaterThan(3), "the file spans several batches");
    }

    [Test]
    public void SnaplenTruncatedRecordsKeepTheirLength()
    {
        byte[] big = NumberedUdp(1, 1400);
        var b = new PcapBuilder(snaplen: 96).Add(big.AsSpan(..96), T0, big.Length).Add(TestFrames.FrameA, T0 + 1);

        List<Captured> packets = ReadToEnd(OpenFile(b.ToArray()), Batch());

        Assert.That(packets[0].Frame, Is.EqualTo(big[..96]));
        Assert.That(packets[0].OriginalLength, Is.EqualTo(big.Length));
        Assert.That(packets[1].Frame, Is.EqualTo(TestFrames.FrameA));
    }

    [Test]
    public void ARecordLongerThanTheFilesSnaplenIsCutToIt()
    {
        // libpcap does the same: such files come from systems that ignored the snaplen.
        byte[] big = NumberedUdp(1, 1400);
        var b = new PcapBuilder(snaplen: 128).Add(big, T0).Add(TestFrames.FrameA, T0 + 1);
        PcapFileSource source = OpenFile(b.ToArray());

        List<Captured> packets = ReadToEnd(source, Batch());

        Assert.That(source.MaxFrameLength, Is.EqualTo(128));
        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { big[..128], TestFrames.FrameA }));
        Assert.That(packets[0].OriginalLength, Is.EqualTo(big.Length));
    }

    [Test]
    public void LoopTwiceReplaysWithTheRecordedTimestamps()
    {
        var b = new PcapBuilder().Add(NumberedUdp(1), T0).Add(NumberedUdp(2), T0 + 1000);
        PcapFileSource source = OpenFile(b.ToArray(), loop: 2);
        PacketBatch batch = Batch();

        List<Captured> packets = ReadToEnd(source, batch);

        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { NumberedUdp(1), NumberedUdp(2), NumberedUdp(1), NumberedUdp(2) }));
        Assert.That(packets.Select(p => p.TimestampNanos), Is.EqualTo(new[] { T0 / 1000 * 1000, T0 / 1000 * 1000 + 1000, T0 / 1000 * 1000, T0 / 1000 * 1000 + 1000 }));
        Assert.That(source.Fill(batch, 10), Is.EqualTo(SourceStatus.EndOfInput));
        Assert.That(batch.Count, Is.Zero);
        Assert.That(Log.At(LogLevel.Information), Is.EqualTo(new[] { "replay: end of file" }), "logged once");
    }

    [Test]
    public void LoopForeverKeepsReplaying()
    {
        PcapFileSource source = OpenFile(new PcapBuilder().Add(NumberedUdp(1), T0).ToArray(), loop: 0);
        PacketBatch batch = Batch(packets: 100);
        var packets = new List<Captured>();
        for (int i = 0; i < 10_000 && packets.Count < 5000; i++)
        {
            Assert.That(source.Fill(batch, 10), Is.EqualTo(SourceStatus.Active));
            Drain(batch, packets);
        }

        Assert.That(packets, Has.Count.GreaterThanOrEqualTo(5000));
        Assert.That(packets.Select(p => p.Frame), Is.All.EqualTo(NumberedUdp(1)));
    }

    [TestCase(1)]
    [TestCase(0)]
    public void AFileWithoutRecordsEnds(int loop)
    {
        PacketBatch batch = Batch();
        Assert.That(OpenFile(new PcapBuilder().ToArray(), loop: loop).Fill(batch, 10), Is.EqualTo(SourceStatus.EndOfInput));
        Assert.That(batch.Count, Is.Zero);
        Assert.That(Log.At(LogLevel.Information), Is.EqualTo(new[] { "replay: end of file" }));
    }

    [Test]
    public void BpfAndLoopGuardFilterRecords()
    {
        var b = new PcapBuilder()
            .Add(TestFrames.FrameA, T0) // udp 8011
            .Add(TestFrames.FrameB, T0 + 1) // tcp
            .Add(NumberedUdp(2, destinationPort: 9999), T0 + 2)
            .Add(NumberedUdp(3, destinationPort: 8011), T0 + 3);

        List<Captured> packets = ReadToEnd(OpenFile(b.ToArray(), bpf: "udp", guard: "udp port 9999"), Batch());

        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { TestFrames.FrameA, NumberedUdp(3) }));
    }

    [Test]
    public void SetFilterAppliesFromTheNextRecord()
    {
        var b = new PcapBuilder().Add(NumberedUdp(0, destinationPort: 1), T0).Add(NumberedUdp(1, destinationPort: 2), T0 + 1);
        PcapFileSource source = OpenFile(b.ToArray(), bpf: "udp port 1", loop: 2);
        PacketBatch batch = Batch(packets: 1);
        source.Fill(batch, 10);
        Assert.That(batch.Frame(0).ToArray(), Is.EqualTo(NumberedUdp(0, destinationPort: 1)));
        batch.Reset();

        Assert.Throws<CaptureException>(() => source.SetFilter("udp portt 2"));
        source.SetFilter("udp port 2");
        List<Captured> rest = ReadToEnd(source, batch);
        Assert.That(rest.Select(p => p.Frame), Is.EqualTo(new[] { NumberedUdp(1, destinationPort: 2), NumberedUdp(1, destinationPort: 2) }));

        source.SetFilter(null);
    }

    [Test]
    public void AFilterThatRejectsEverythingStillEnds()
    {
        var b = new PcapBuilder(snaplen: 2048);
        for (int i = 0; i < 20_000; i++)
        {
            b.Add(NumberedUdp(i), T0 + i);
        }

        Assert.That(ReadToEnd(OpenFile(b.ToArray(), bpf: "tcp"), Batch(8 * 1024, 16)), Is.Empty);
    }

    [TestCase(113, false)]
    [TestCase(276, false)]
    [TestCase(101, false)]
    [TestCase(228, false)]
    [TestCase(229, true)]
    public void NonEthernetFilesAreNormalisedAndFiltered(int linkType, bool ipv6)
    {
        byte[] payload = "normalise me"u8.ToArray();
        byte[] wanted = ipv6 ? Ipv6Udp(1, 8011, payload) : Ipv4Udp(1, 8011, payload);
        byte[] other = ipv6 ? Ipv6Udp(1, 53, payload) : Ipv4Udp(1, 53, payload);
        ushort etherType = ipv6 ? (ushort)0x86DD : (ushort)0x0800;
        byte[] Link(byte[] ip) => linkType switch
        {
            113 => Sll(ip, etherType),
            276 => Sll2(ip, etherType),
            _ => ip,
        };
        var b = new PcapBuilder((uint)linkType).Add(Link(other), T0).Add(Link(wanted), T0 + 1000, Link(wanted).Length + 4);
        PcapFileSource source = OpenFile(b.ToArray(), bpf: "udp port 8011");

        List<Captured> packets = ReadToEnd(source, Batch());

        byte[] expected = Ethernet(wanted, etherType);
        expected.AsSpan(0, 12).Clear();
        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(new[] { expected }));
        Assert.That(packets[0].OriginalLength, Is.EqualTo(expected.Length + 4));
        Assert.That(source.MaxFrameLength, Is.EqualTo(262144 + 14));
    }

    [Test]
    public void OpenErrorsNameTheProblem()
    {
        string missing = Dir.File("missing.pcap");
        Assert.That(Assert.Throws<CaptureException>(() => Open(missing))!.Message, Does.Contain(missing));

        byte[] pcapng = Convert.FromHexString("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000");
        Assert.That(Assert.Throws<CaptureException>(() => OpenFile(pcapng))!.Message, Does.Contain("pcapng"));

        Assert.That(Assert.Throws<CaptureException>(() => OpenFile("hello, this is not a capture file"u8.ToArray()))!.Message,
            Does.Contain("not a pcap file"));
        Assert.That(Assert.Throws<CaptureException>(() => OpenFile(new byte[10]))!.Message, Does.Contain("not a pcap file"));
        Assert.That(Assert.Throws<CaptureException>(() => OpenFile(new PcapBuilder(105).ToArray()))!.Message,
            Does.Contain("link type 105 is not supported"));
        Assert.That(Assert.Throws<CaptureException>(() => OpenFile(new PcapBuilder().ToArray(), bpf: "udp portt 1"))!.Message,
            Does.Contain("syntax error"));
    }

    [Test]
    public void A_file_that_can_never_be_replayed_fails_permanently_and_a_missing_one_does_not()
    {
        Assert.That(Assert.Throws<CaptureException>(() => Open(Dir.File("missing.pcap")))!.IsPermanent, Is.False, "it may appear");
        Assert.Multiple(() =>
        {
            foreach ((string what, byte[] bytes) in new[]
            {
                ("empty", Array.Empty<byte>()),
                ("garbage", "hello, this is not a capture file"u8.ToArray()),
                ("unknown link type", new PcapBuilder(105).ToArray()),
                ("pcapng without interface", Convert.FromHexString("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000")),
            })
            {
                CaptureException? e = Assert.Throws<CaptureException>(() => OpenFile(bytes), what);
                Assert.That(e!.IsPermanent, Is.True, $"{what}: {e.Message}");
            }
        });

        string directory = Dir.File("dir.pcap");
        Directory.CreateDirectory(directory);
        CaptureException? d = Assert.Throws<CaptureException>(() => Open(directory));
        Assert.That((d!.IsPermanent, d.Message), Is.EqualTo((true, $"{directory} is a directory, not a regular file: it cannot be replayed")));
    }

    [Test]
    public void A_fifo_is_refused_at_once_instead_of_blocking_in_open()
    {
        string fifo = Dir.File("pipe.pcap");
        Run.Checked("mkfifo", fifo);
        var open = Task.Run(() => Assert.Throws<CaptureException>(() => Open(fifo)));
        Assert.That(open.Wait(TimeSpan.FromSeconds(10)), Is.True, "opening a FIFO must not block");
        Assert.That((open.Result!.IsPermanent, open.Result.Message), Is.EqualTo((true, $"{fifo} is a named pipe (FIFO), not a regular file: it cannot be replayed")));
    }
}
