using Cpworker.Engine.Classification;
using Cpworker.Engine.Packets;
using static Cpworker.Tests.Classification.DirectionFrames;

namespace Cpworker.Tests.Classification;

/// <summary>
/// <c>custom</c> classification of whole frames: which headers are understood, where ports are
/// absent, and the VXLAN inner-packet rule.
/// </summary>
[TestFixture]
public sealed class CustomDirectionClassifierTests
{
    private const string Server = "host 10.0.0.1 and port 80";
    private const string Server6 = "host 2001:db8::1 and port 80";
    private const PacketDirection Out = PacketDirection.Outgoing;
    private const PacketDirection In = PacketDirection.Incoming;
    private const PacketDirection Unknown = PacketDirection.Unknown;

    private static readonly (ushort, ushort) s_vlan = (0x8100, 10);
    private static readonly (ushort, ushort) s_sVlan = (0x88A8, 100);

    /// <summary>Server 10.0.0.1:80 answering client 10.0.0.2:5000 over <paramref name="protocol"/>.</summary>
    private static byte[] FromServer(byte protocol) => V4("10.0.0.1", "10.0.0.2", protocol, L4(protocol, 80, 5000));

    private static byte[] ToServer(byte protocol) => V4("10.0.0.2", "10.0.0.1", protocol, L4(protocol, 5000, 80));

    private static byte[] L4(byte protocol, ushort source, ushort destination) => protocol switch
    {
        Tcp6 => Tcp(source, destination),
        Udp17 => Udp(source, destination, [1, 2, 3, 4]),
        Sctp132 => Sctp(source, destination),
        _ => Icmp(),
    };

    private static byte[] Tcp6From(string source, string destination, byte next, Func<byte[], byte[]> extensions) =>
        V6(source, destination, next, extensions(Tcp(80, 5000)));

    /// <summary>VXLAN on UDP to <paramref name="port"/>: outer 192.168.0.1 → 192.168.0.2, inner server 10.0.0.1:80 → 10.0.0.2:5000.</summary>
    private static byte[] VxlanFrame(ushort port, byte[]? inner = null) =>
        Ether(V4("192.168.0.1", "192.168.0.2", Udp17, Udp(50000, port, Vxlan(inner ?? Ether(FromServer(Tcp6))))));

    private static IEnumerable<TestCaseData> Frames()
    {
        static TestCaseData Case(string name, string pattern, byte[] frame, PacketDirection expected) =>
            new TestCaseData(pattern, frame, expected).SetArgDisplayNames(name);

        // Plain IPv4, all three port-carrying protocols, both directions and neither.
        foreach ((string name, byte protocol) in new[] { ("tcp", Tcp6), ("udp", Udp17), ("sctp", Sctp132) })
        {
            yield return Case($"ipv4 {name} from server", Server, Ether(FromServer(protocol)), Out);
            yield return Case($"ipv4 {name} to server", Server, Ether(ToServer(protocol)), In);
            yield return Case($"ipv4 {name} other host", Server, Ether(V4("10.0.0.3", "10.0.0.2", protocol, L4(protocol, 80, 5000))), Unknown);
            yield return Case($"ipv4 {name} other port", Server, Ether(V4("10.0.0.1", "10.0.0.2", protocol, L4(protocol, 81, 5000))), Unknown);
        }

        yield return Case("both sides match: source wins", "port 80", Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 80))), Out);
        yield return Case("port pattern, destination", "port 5000", Ether(FromServer(Tcp6)), In);
        yield return Case("host only, icmp", "host 10.0.0.1", Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, Icmp())), Out);
        yield return Case("host only, icmp reply", "host 10.0.0.1", Ether(V4("10.0.0.2", "10.0.0.1", Icmp1, Icmp())), In);
        yield return Case("host and port, icmp has no ports", Server, Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, Icmp())), Unknown);
        yield return Case("port 0, icmp has no ports", "port 0", Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, Icmp())), Unknown);
        yield return Case("arp is not ip", "host 10.0.0.1 or port 0", Ether(new byte[28], 0x0806), Unknown);
        yield return Case("ipv4 ethertype, version 6 inside", "host 10.0.0.1", Ether(FromServer(Tcp6), 0x86DD), Unknown);
        yield return Case("ipv6 in ipv4 pattern", "host 10.0.0.1", Ether(V6("::ffff:10.0.0.1", "::1", Tcp6, Tcp(80, 5000))), Unknown);

        // VLAN stacks.
        yield return Case("vlan 0x8100", Server, Tagged(FromServer(Tcp6), s_vlan), Out);
        yield return Case("qinq 0x88a8+0x8100", Server, Tagged(ToServer(Udp17), s_sVlan, s_vlan), In);
        yield return Case("0x9100+0x8100", Server, Tagged(FromServer(Tcp6), (0x9100, 5), s_vlan), Out);
        yield return Case("0x9200", Server, Tagged(FromServer(Sctp132), (0x9200, 7)), Out);
        yield return Case("four tags", Server, Tagged(ToServer(Tcp6), s_sVlan, (0x9100, 1), (0x9200, 2), s_vlan), In);
        yield return Case("vlan then ipv6", Server6, Tagged(Tcp6From("2001:db8::1", "2001:db8::2", Tcp6, t => t), s_sVlan, s_vlan), Out);
        yield return Case("vlan then arp", "port 0 or host 0.0.0.0", Ether(new byte[28], 0x0806, DefaultSourceMac, DefaultDestinationMac, s_vlan), Unknown);

        // IPv4 header length.
        yield return Case("ihl 6", Server, Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), optionWords: 1)), Out);
        yield return Case("ihl 15", Server, Ether(V4("10.0.0.2", "10.0.0.1", Udp17, Udp(5000, 80), optionWords: 10)), In);
        yield return Case("ihl 4 is malformed: no address", "host 10.0.0.1", Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), ihl: 4)), Unknown);
        yield return Case("ihl 0 is malformed", "host 10.0.0.2", Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), ihl: 0)), Unknown);
        yield return Case("ihl beyond capture: host known", "host 10.0.0.1", Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, [], ihl: 15)), Out);
        yield return Case("ihl beyond capture: no ports", Server, Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, [0, 80, 0x13, 0x88], ihl: 15)), Unknown);

        // IPv4 fragments: only the first carries ports.
        yield return Case("first fragment (MF, offset 0)", Server, Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 0x2000)), Out);
        yield return Case("later fragment: no ports", Server, Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 0x2000 | 185)), Unknown);
        yield return Case("last fragment: no ports", "port 5000", Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 1)), Unknown);
        yield return Case("later fragment: host still known", "host 10.0.0.2", Ether(V4("10.0.0.1", "10.0.0.2", Udp17, Udp(80, 5000), fragment: 185)), In);

        // IPv6 and its extension headers.
        const string a = "2001:db8::1", b = "2001:db8::2";
        yield return Case("ipv6 tcp from server", Server6, Ether(Tcp6From(a, b, Tcp6, t => t)), Out);
        yield return Case("ipv6 udp to server", Server6, Ether(V6(b, a, Udp17, Udp(5000, 80))), In);
        yield return Case("ipv6 sctp other host", Server6, Ether(V6(b, "2001:db8::3", Sctp132, Sctp(80, 5000))), Unknown);
        yield return Case("ipv6 hop-by-hop", Server6, Ether(Tcp6From(a, b, 0, t => Ext(Tcp6, t))), Out);
        yield return Case("ipv6 hbh+routing+dstopt+fragment", Server6,
            Ether(Tcp6From(a, b, 0, t => Ext(43, Ext(60, Ext(44, Frag6(Tcp6, t), units: 2), kind: 43), units: 1))), Out);
        yield return Case("ipv6 long dest options", Server6, Ether(Tcp6From(a, b, 60, t => Ext(Tcp6, t, units: 30))), Out);
        yield return Case("ipv6 later fragment: no ports", Server6, Ether(Tcp6From(a, b, 44, t => Frag6(Tcp6, t, offset: 100))), Unknown);
        yield return Case("ipv6 later fragment: host known", "host 2001:db8::1", Ether(Tcp6From(a, b, 44, t => Frag6(Tcp6, t, offset: 100, more: false))), Out);
        yield return Case("ipv6 ah", Server6, Ether(V6(b, a, 51, Ah(Udp17, Udp(5000, 80)))), In);
        yield return Case("ipv6 ah with longer icv", Server6, Ether(V6(b, a, 0, Ext(51, Ah(Tcp6, Tcp(5000, 80), icvWords: 5)))), In);
        yield return Case("ipv6 esp: no ports", Server6, Ether(V6(a, b, 50, [0, 0, 0x10, 0, 0, 0, 0, 1, 0, 80, 0x13, 0x88])), Unknown);
        yield return Case("ipv6 esp: host known", "host 2001:db8::1", Ether(V6(a, b, 50, new byte[16])), Out);
        yield return Case("ipv6 no next header", "port 80 or host 2001:db8::9", Ether(V6(a, b, 59, Tcp(80, 5000))), Unknown);
        yield return Case("ipv6 icmpv6 host", "host 2001:db8::2", Ether(V6(a, b, 58, [128, 0, 0, 0])), In);
        yield return Case("ipv6 dstopt overruns the capture", Server6, Ether(Tcp6From(a, b, 60, t => Ext(Tcp6, t, units: 200)[..16])), Unknown);

        // VXLAN: UDP to 4700–4799 with a complete inner packet is classified by the inner packet.
        yield return Case("vxlan 4700 inner", Server, VxlanFrame(4700), Out);
        yield return Case("vxlan 4789 inner", Server, VxlanFrame(4789), Out);
        yield return Case("vxlan 4799 inner", Server, VxlanFrame(4799), Out);
        yield return Case("vxlan 4799 inner reply", Server, VxlanFrame(4799, Ether(ToServer(Udp17))), In);
        yield return Case("vxlan 4800 is outer", Server, VxlanFrame(4800), Unknown);
        yield return Case("vxlan 4699 is outer", Server, VxlanFrame(4699), Unknown);
        yield return Case("vxlan 4700: outer not used", "host 192.168.0.1", VxlanFrame(4700), Unknown);
        yield return Case("vxlan 4800: outer used", "host 192.168.0.1", VxlanFrame(4800), Out);
        yield return Case("vxlan 4800: outer dst port", "port 4800", VxlanFrame(4800), In);
        yield return Case("vxlan inner ipv6", Server6, VxlanFrame(4700, Ether(V6(b, a, Tcp6, Tcp(5000, 80)))), In);
        yield return Case("vxlan inner vlan", Server, VxlanFrame(4750, Tagged(FromServer(Tcp6), s_vlan)), Out);
        yield return Case("vxlan over ipv6", Server,
            Ether(V6("fd00::1", "fd00::2", Udp17, Udp(50000, 4700, Vxlan(Ether(FromServer(Tcp6)))))), Out);
        yield return Case("vxlan inner icmp: outer used", "host 192.168.0.2", VxlanFrame(4700, Ether(V4("10.0.0.1", "10.0.0.2", Icmp1, Icmp()))), In);
        yield return Case("vxlan inner arp: outer used", "port 50000", VxlanFrame(4700, Ether(new byte[28], 0x0806)), Out);
        yield return Case("vxlan inner fragment: outer used", "host 192.168.0.1",
            VxlanFrame(4700, Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), fragment: 20))), Out);
        yield return Case("vxlan inner cut before ports: outer used", "host 192.168.0.1", VxlanFrame(4700)[..(14 + 20 + 8 + 8 + 14 + 20 + 3)], Out);
        yield return Case("vxlan inner cut after ports: inner used", Server, VxlanFrame(4700)[..(14 + 20 + 8 + 8 + 14 + 20 + 4)], Out);
        yield return Case("vxlan inside vxlan: one level only", "host 10.0.0.9",
            VxlanFrame(4700, Ether(V4("10.0.0.9", "10.0.0.8", Udp17, Udp(1, 4700, Vxlan(Ether(FromServer(Tcp6))))))), Out);
        yield return Case("tcp to 4700 is not vxlan", "host 192.168.0.1",
            Ether(V4("192.168.0.1", "192.168.0.2", Tcp6, Tcp(50000, 4700, Vxlan(Ether(FromServer(Tcp6)))))), Out);
    }

    [TestCaseSource(nameof(Frames))]
    public void Frame_is_classified_by_its_headers(string pattern, byte[] frame, PacketDirection expected)
    {
        IDirectionClassifier classifier = Create(pattern);
        Assert.That(classifier.Classify(frame), Is.EqualTo(expected));
    }

    [Test]
    public void Classify_stage_sets_every_descriptor()
    {
        var batch = new PacketBatch(4096, 8);
        Assert.That(batch.TryAppend(Ether(FromServer(Tcp6)), 0, 1), Is.True);
        Assert.That(batch.TryAppend(Ether(ToServer(Tcp6)), 0, 2), Is.True);
        Assert.That(batch.TryAppend(new byte[10], 0, 3), Is.True);

        new ClassifyStage(Create(Server)).Process(batch);

        Assert.That(new[] { batch[0].Direction, batch[1].Direction, batch[2].Direction }, Is.EqualTo(new[] { Out, In, Unknown }));
    }

    internal static IDirectionClassifier Create(string pattern, FakeInterfaces? nics = null) =>
        DirectionClassifierFactory.Create(new global::Cpworker.Engine.Configuration.CustomDirectionConfig(pattern), "eth0", (nics ?? new FakeInterfaces()).Resolve)!;
}
