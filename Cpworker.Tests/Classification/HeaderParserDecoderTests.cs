using System.Net;
using Cpworker.Engine.Classification;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Classification.DirectionFrames;

namespace Cpworker.Tests.Classification;

/// <summary>
/// The header parser against a real decoder: tshark reads the same well-formed frames and must find
/// the same addresses and ports (the innermost ones for VXLAN on 4700–4799, absent ports for
/// non-first fragments). This also proves that the test frame builder writes real packets.
/// </summary>
[TestFixture]
public sealed class HeaderParserDecoderTests
{
    private static byte[][] WellFormedFrames()
    {
        const string a = "2001:db8::1", b = "2001:db8::2";
        byte[] innerV4 = Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000)));
        byte[] innerV6 = Ether(V6(b, a, Udp17, Udp(5000, 53, [1, 2, 3])));
        return
        [
            Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000))),
            Ether(V4("10.0.0.2", "10.0.0.1", Udp17, Udp(5000, 80, [9, 9]))),
            Ether(V4("10.0.0.1", "10.0.0.2", Sctp132, Sctp(80, 5000))),
            Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, Icmp())),
            Tagged(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000)), (0x8100, 10)),
            Tagged(V4("10.0.0.3", "10.0.0.4", Udp17, Udp(1, 2)), (0x88A8, 100), (0x8100, 10)),
            Tagged(V4("10.0.0.5", "10.0.0.6", Tcp6, Tcp(3, 4)), (0x9100, 5), (0x8100, 6)),
            Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), optionWords: 1)),
            Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(81, 5001), optionWords: 10)),
            Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 0x2000)),
            Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 0x2000 | 185)),
            Ether(V6(a, b, Tcp6, Tcp(80, 5000))),
            Ether(V6(a, b, 0, Ext(43, Ext(60, Ext(44, Frag6(Tcp6, Tcp(80, 5000)), units: 2), kind: 43), units: 1))),
            Ether(V6(a, b, 60, Ext(Sctp132, Sctp(7, 8), units: 3))),
            Ether(V6(a, b, 44, Frag6(Tcp6, Tcp(80, 5000), offset: 100, more: false))),
            Ether(V6(b, a, 51, Ah(Udp17, Udp(5000, 80)))),
            Ether(V6(a, b, 58, [128, 0, 0, 0, 0, 1, 0, 1])),
            Ether(V4("192.168.0.1", "192.168.0.2", Udp17, Udp(50000, 4700, Vxlan(innerV4)))),
            Ether(V4("192.168.0.1", "192.168.0.2", Udp17, Udp(50000, 4799, Vxlan(innerV6)))),
            Ether(V6("fd00::1", "fd00::2", Udp17, Udp(50000, 4700, Vxlan(innerV4)))),
            Ether(new byte[28], 0x0806),
        ];
    }

    [Test]
    public void Parser_finds_what_tshark_finds()
    {
        byte[][] frames = WellFormedFrames();
        var pcap = new PcapBuilder();
        foreach (byte[] f in frames)
        {
            pcap.Add(f, 1_700_000_000_000_000_000);
        }

        string path = Path.Combine(Path.GetTempPath(), $"cpworker-direction-{Guid.NewGuid():N}.pcap");
        try
        {
            pcap.WriteTo(path);
            string output = Run.Checked("tshark",
                $"-n -r {path} -o ip.defragment:FALSE -o ipv6.defragment:FALSE -d udp.port==4700,vxlan -d udp.port==4799,vxlan " +
                "-T fields -E separator=; -E occurrence=l -e frame.protocols -e ip.src -e ip.dst -e ipv6.src -e ipv6.dst " +
                "-e tcp.srcport -e tcp.dstport -e sctp.srcport -e sctp.dstport -e udp.srcport -e udp.dstport");
            string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.EqualTo(frames.Length));

            for (int i = 0; i < frames.Length; i++)
            {
                FrameHeaderParser.Parse(frames[i], out PacketEndpoints ours);
                Assert.That(Describe(ours), Is.EqualTo(FromTshark(lines[i])), $"frame {i + 1}: {lines[i]}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string Describe(PacketEndpoints e) =>
        $"{Address(e.Source)}:{(e.Source.HasPort ? e.Source.Port : "-")} > {Address(e.Destination)}:{(e.Destination.HasPort ? e.Destination.Port : "-")}";

    private static string Address(PacketEndpoint e) =>
        e.Family == PacketEndpoint.NoFamily ? "-" : DirectionProgramTests.ToAddress(e).ToString();

    private static string FromTshark(string line)
    {
        string[] f = line.Split(';');
        string[] layers = f[0].Split(':');
        bool innermostIsV6 = Array.LastIndexOf(layers, "ipv6") > Array.LastIndexOf(layers, "ip");
        string source = innermostIsV6 ? f[3] : f[1];
        string destination = innermostIsV6 ? f[4] : f[2];
        source = source.Length == 0 ? "-" : IPAddress.Parse(source).ToString();
        destination = destination.Length == 0 ? "-" : IPAddress.Parse(destination).ToString();

        // The innermost transport layer named in frame.protocols gives the ports.
        int tcp = Array.LastIndexOf(layers, "tcp"), sctp = Array.LastIndexOf(layers, "sctp"), udp = Array.LastIndexOf(layers, "udp");
        int max = Math.Max(tcp, Math.Max(sctp, udp));
        (string sp, string dp) = max < 0 ? ("-", "-") : max == tcp ? (f[5], f[6]) : max == sctp ? (f[7], f[8]) : (f[9], f[10]);
        return $"{source}:{sp} > {destination}:{dp}";
    }
}
