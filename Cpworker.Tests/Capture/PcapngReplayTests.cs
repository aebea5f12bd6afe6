using System.Globalization;
using Cpworker.Engine.Capture;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Capture.CaptureTestFrames;

namespace Cpworker.Tests.Capture;

/// <summary>
/// Replaying pcapng (docs/configuration.md, "pcap_file"): files written by editcap, mergecap and
/// dumpcap replay exactly as their classic-pcap conversion does; several interfaces, link types,
/// <c>if_tsresol</c> and both byte orders (checked against tshark's own reading).
/// </summary>
[TestFixture]
public class PcapngReplayTests : PcapFileTestBase
{
    private const long T0 = 1_700_000_000_123_456_789;

    [Test]
    public void A_file_converted_by_editcap_replays_like_its_classic_original()
    {
        var b = new PcapBuilder(nanosecond: true);
        for (int i = 0; i < 50; i++)
        {
            b.Add(NumberedUdp(i, 20 + i * 13), T0 + i * 1_000_017L);
        }

        string classic = b.WriteTo(Dir.File("in.pcap"));
        string ng = Dir.File("in.pcapng");
        Run.Checked("editcap", $"-F pcapng {classic} {ng}");

        List<Captured> expected = ReadToEnd(Open(classic), Batch());
        List<Captured> actual = ReadToEnd(Open(ng), Batch());
        Assert.That(expected, Has.Count.EqualTo(50));
        AssertSame(actual, expected);
    }

    [Test]
    public void Interfaces_of_different_link_types_merged_by_mergecap_are_each_normalised()
    {
        string eth = new PcapBuilder().Add(NumberedUdp(1), T0).Add(NumberedUdp(3), T0 + 2_000_000).WriteTo(Dir.File("eth.pcap"));
        byte[] ip = Ipv4Udp(1000, 2000, "raw ip"u8);
        string raw = new PcapBuilder(linkType: 101).Add(ip, T0 + 1_000_000).WriteTo(Dir.File("raw.pcap"));
        string merged = Dir.File("merged.pcapng");
        Run.Checked("mergecap", $"-F pcapng -w {merged} {eth} {raw}");
        Assert.That(Run.Checked("capinfos", $"-I {merged}"), Does.Contain("Number of interfaces in file: 2"));

        List<Captured> packets = ReadToEnd(Open(merged), Batch());
        var expected = ReadToEnd(Open(eth), Batch()).Concat(ReadToEnd(Open(raw), Batch())).OrderBy(p => p.TimestampNanos).ToList();
        AssertSame(packets, expected);
        Assert.That(packets[1].Frame.AsSpan(14).ToArray(), Is.EqualTo(ip), "the raw IP packet got an Ethernet header");
    }

    [Test]
    public void A_file_dumpcap_captured_replays_like_its_editcap_conversion()
    {
        string ng = Dir.File("live.pcapng");
        using (var dumpcap = Run.Start("dumpcap", $"-q -i lo -f \"udp port 48391\" -c 20 -w {ng}"))
        {
            Assert.That(Run.Until(() => File.Exists(ng) && new FileInfo(ng).Length > 0, 10_000), "dumpcap started");
            using var udp = new System.Net.Sockets.UdpClient();
            Assert.That(Run.Until(() =>
            {
                udp.Send(new byte[100], 100, "127.0.0.1", 48391);
                return dumpcap.HasExited;
            }, 15_000, pollMs: 50), "dumpcap captured 20 packets");
        }

        string classic = Dir.File("live.pcap");
        Run.Checked("editcap", $"-F nsecpcap {ng} {classic}"); // dumpcap writes nanoseconds (if_tsresol 9)
        List<Captured> expected = ReadToEnd(Open(classic), Batch());
        Assert.That(expected, Has.Count.EqualTo(20));
        AssertSame(ReadToEnd(Open(ng), Batch()), expected);
    }

    [TestCase(false, (byte)6)]
    [TestCase(true, (byte)9)]
    [TestCase(true, (byte)0x94)] // 2^-20 s
    [TestCase(false, (byte)3)]
    public void Byte_order_and_if_tsresol_give_the_times_tshark_reads(bool bigEndian, byte tsresol)
    {
        var b = new PcapngBuilder(bigEndian).Interface(1, 0, tsresol).Interface(113, 0, tsresol);
        b.Enhanced(0, NumberedUdp(0), T0).Enhanced(1, Sll(Ipv4Udp(5, 6, "sll"u8)), T0 + 1_500_000_000).Enhanced(0, NumberedUdp(2), T0 + 3_000_000_000);
        string path = b.WriteTo(Dir.File("built.pcapng"));

        string[] tshark = Run.Checked("tshark", $"-r {path} -T fields -e frame.time_epoch -e frame.len").Trim().Split('\n');
        List<Captured> packets = ReadToEnd(Open(path), Batch());
        Assert.That(packets, Has.Count.EqualTo(3));
        Assert.That(tshark, Has.Length.EqualTo(3), "tshark reads the built file");
        for (int i = 0; i < 3; i++)
        {
            decimal epoch = decimal.Parse(tshark[i].Split('\t')[0], CultureInfo.InvariantCulture);
            Assert.That(packets[i].TimestampNanos, Is.EqualTo((long)(epoch * 1_000_000_000m)), $"packet {i} time ({tshark[i]})");
        }

        Assert.That(packets[1].Frame.AsSpan(14).ToArray(), Is.EqualTo(Ipv4Udp(5, 6, "sll"u8)), "SLL became Ethernet");
    }

    [Test]
    public void Simple_packet_blocks_unknown_blocks_and_a_second_section_are_read()
    {
        var b = new PcapngBuilder().Interface(1, 64).Block(0x0BAD, new byte[40]).Simple(NumberedUdp(0, 100))
            .Section().Interface(101).Enhanced(0, Ipv4Udp(1, 2, "s2"u8), T0);
        List<Captured> packets = ReadToEnd(OpenFile(b.ToArray()), Batch());
        Assert.That(packets, Has.Count.EqualTo(2));
        Assert.That(packets[0].Frame, Has.Length.EqualTo(64), "cut to the interface's snaplen");
        Assert.That(packets[0].OriginalLength, Is.EqualTo(NumberedUdp(0, 100).Length));
        Assert.That(packets[1].Frame.AsSpan(14).ToArray(), Is.EqualTo(Ipv4Udp(1, 2, "s2"u8)), "the second section's interface 0 is raw IP");
        Assert.That(Log.Contains("end of file"), Log.ToString());
    }

    [Test]
    public void A_filter_applies_per_interface_link_type_and_loops_repeat_the_file()
    {
        var b = new PcapngBuilder().Interface(1).Interface(101)
            .Enhanced(0, NumberedUdp(0, destinationPort: 2), T0).Enhanced(1, Ipv4Udp(1, 2, "x"u8), T0 + 1).Enhanced(0, NumberedUdp(1, destinationPort: 3), T0 + 2);
        List<Captured> packets = ReadToEnd(OpenFile(b.ToArray(), bpf: "udp dst port 2", loop: 3), Batch());
        Assert.That(packets, Has.Count.EqualTo(6));
    }

    [Test]
    public void A_truncated_pcapng_delivers_what_precedes_the_damage_and_says_where()
    {
        byte[] whole = new PcapngBuilder().Interface(1).Enhanced(0, NumberedUdp(0), T0).Enhanced(0, NumberedUdp(1), T0 + 1).ToArray();
        List<Captured> packets = ReadToEnd(OpenFile(whole[..^10]), Batch());
        Assert.That(packets, Has.Count.EqualTo(1));
        Assert.That(Log.Contains("truncated block at offset"), Log.ToString());
    }

    private static byte[] Sll(byte[] ip)
    {
        var f = new byte[16 + ip.Length];
        f[14] = 0x08; // protocol 0x0800
        ip.CopyTo(f, 16);
        return f;
    }

    private static void AssertSame(List<Captured> actual, List<Captured> expected)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.That(actual[i].Frame, Is.EqualTo(expected[i].Frame), $"frame {i}");
            Assert.That(actual[i].OriginalLength, Is.EqualTo(expected[i].OriginalLength), $"length {i}");
            Assert.That(actual[i].TimestampNanos, Is.EqualTo(expected[i].TimestampNanos), $"time {i}");
        }
    }
}
