using Cpworker.Outputs.FastPath;
using Cpworker.Outputs.PacketRing;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.FastPath;

/// <summary>
/// The ring follows the kernel's next hop: an empty neighbour cache (socket path until the kernel has
/// resolved it), a route moved to another veth mid-run, a datagram over the path MTU (the kernel fragments
/// it, a Linux vxlan device reassembles and decapsulates), and <c>lo</c> as the destination.
/// </summary>
[NonParallelizable]
public sealed class RingNextHopTests
{
    private static VxlanSettings Vxlan(string host, int port = 4789) =>
        new() { Host = host, Port = port, VniKind = VniKind.Vni2, Vni = 33 << 8, SendPath = SendPath.PacketRing };

    private static RingDatagramTransport Ring(FastPathTest.Driver d) => (RingDatagramTransport)d.Transport;

    [Test]
    public void WithAnEmptyNeighbourCacheTheFirstDatagramsGoThroughTheSocketThenTheRing()
    {
        using var ns = new TestNetns();
        List<byte[]> first = FastPathTest.Frames(20, seed: 1);
        List<byte[]> second = FastPathTest.Frames(30, seed: 2);
        using var capture = new Tcpdump(ns.NsVeth, "udp dst port 4789", netns: ns.Name);
        using (var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(ns.NsAddress)))
        {
            Assert.That(Ring(d).CurrentHop, Is.Null, "no neighbour entry yet");
            d.Send(first);
            Assert.That((d.Sender.SocketDatagrams, d.Sender.RingDatagrams), Is.EqualTo((20L, 0L)), "unresolved: the socket path, which makes the kernel resolve it");
            Assert.That(Run.Until(() => { d.Transport.OnTick(); return Ring(d).CurrentHop is not null; }, 5_000), Is.True, "the resolved neighbour is picked up");
            d.Send(second);
            Assert.That((d.Sender.SocketDatagrams, d.Sender.RingDatagrams, d.Sender.FailedSends), Is.EqualTo((20L, 30L, 0L)));
        }

        List<byte[]> received = capture.WaitFor(50);
        var expected = FastPathTest.ExpectedVxlan(first.Concat(second));
        Assert.That(received.Select(f => NetTest.Hex(f.AsSpan(14 + 20 + 8))), Is.EqualTo(expected));
    }

    [Test]
    public void TrafficFollowsARouteMovedToASecondVethWithinOneSecond()
    {
        using var ns = new TestNetns();
        string tag = ns.Name["cpwt-".Length..];
        string hostB = $"cpx{tag}";
        string nsB = $"cpy{tag}";
        int pid = Environment.ProcessId;
        string netB = $"198.19.{pid / 64 % 256}.{pid % 64 * 4}";
        string hostBAddress = netB[..netB.LastIndexOf('.')] + "." + ((pid % 64 * 4) + 1);
        string nsBAddress = netB[..netB.LastIndexOf('.')] + "." + ((pid % 64 * 4) + 2);
        string destination = $"198.18.{pid / 256 % 256}.{pid % 256}";
        try
        {
            Run.Checked("ip", $"link add {hostB} type veth peer name {nsB}");
            Run.Checked("ip", $"link set {nsB} netns {ns.Name}");
            Run.Checked("ip", $"addr add {hostBAddress}/30 dev {hostB}");
            Run.Checked("ip", $"link set {hostB} up");
            ns.Exec($"ip addr add {nsBAddress}/30 dev {nsB}");
            ns.Exec($"ip link set {nsB} up");
            ns.Exec($"ip addr add {destination}/32 dev lo");
            FastPathTest.PinNeighbour(ns);
            Run.Checked("ip", $"neigh replace {nsBAddress} lladdr {ns.MacOf(nsB)} dev {hostB} nud permanent");
            Run.Checked("ip", $"route add {destination}/32 via {ns.NsAddress} dev {ns.HostVeth}");

            using var onA = new Tcpdump(ns.NsVeth, "udp dst port 4789", netns: ns.Name);
            using var onB = new Tcpdump(nsB, "udp dst port 4789", netns: ns.Name);
            using var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(destination));
            Assert.That(Ring(d).CurrentHop?.InterfaceIndex, Is.EqualTo(PacketTxRing.IndexOf(ns.HostVeth)));
            d.Send(FastPathTest.Frames(10, seed: 3));
            Assert.That(onA.WaitFor(10), Has.Count.EqualTo(10));

            Run.Checked("ip", $"route replace {destination}/32 via {nsBAddress} dev {hostB}");
            var moved = System.Diagnostics.Stopwatch.StartNew();
            long ringBefore = d.Sender.RingDatagrams;
            int indexB = PacketTxRing.IndexOf(hostB);
            bool followed = Run.Until(
                () =>
                {
                    d.Send(FastPathTest.Frames(3, seed: 4));
                    return Ring(d).CurrentHop?.InterfaceIndex == indexB;
                },
                3_000,
                pollMs: 20);
            TimeSpan elapsed = moved.Elapsed;
            TestContext.Out.WriteLine($"the ring followed the route after {elapsed.TotalMilliseconds:F0} ms");
            Assert.That(followed, Is.True, "the ring moves to the second veth");
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(1)), "within 1 s");
            d.Send(FastPathTest.Frames(3, seed: 4));
            Assert.That(onB.WaitFor(3), Has.Count.GreaterThanOrEqualTo(3), "traffic reaches the second veth");
            Assert.That(d.Sender.RingDatagrams, Is.GreaterThan(ringBefore), "still through the ring, now on the new interface");
            Assert.That(d.Sender.SocketDatagrams, Is.Zero);
        }
        finally
        {
            Run.Command("ip", $"route del {destination}/32", 10_000);
            Run.Command("ip", $"link del {hostB}", 10_000);
        }
    }

    [Test]
    public void ADatagramOverThePathMtuGoesThroughTheSocketAndIsReassembledAndDecapsulated()
    {
        using var ns = new TestNetns();
        Run.Checked("ip", $"link set {ns.HostVeth} mtu 1200");
        ns.Exec($"ip link add vx0 type vxlan id 33 dstport 4789 local {ns.NsAddress} dev {ns.NsVeth} nolearning");
        ns.Exec("ip link set vx0 addrgenmode none");
        ns.Exec("ip link set vx0 up");
        FastPathTest.PinNeighbour(ns);
        List<byte[]> frames = FastPathTest.Frames(12, seed: 5, maxLength: 1100);
        byte[] big = FastPathTest.Frames(3, seed: 6, maxLength: 1450)[2];
        Array.Resize(ref big, 1400); // 1400 + 8 VXLAN + 8 UDP + 20 IP = 1436 > 1200
        frames.Insert(5, big);
        using var inner = new Tcpdump("vx0", "", netns: ns.Name);
        using (var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(ns.NsAddress)))
        {
            d.Send(frames);
            Assert.That((d.Sender.RingDatagrams, d.Sender.SocketDatagrams, d.Sender.FailedSends), Is.EqualTo((12L, 1L, 0L)));
        }

        List<byte[]> decapsulated = inner.WaitFor(frames.Count);
        Assert.That(decapsulated.Select(f => NetTest.Hex(f)), Is.EqualTo(frames.Select(f => NetTest.Hex(f))), "vx0 delivers exactly the input frames, the big one reassembled");
    }

    [Test]
    public void ToIpv6LoopbackTheRingUsesLoAndEveryDatagramArrivesIntact()
    {
        // ::1 is routed through lo; 3000 datagrams through a ring of 1024 slots reuse every slot
        // while the receiver still has earlier datagrams queued: none may change under it.
        System.Net.IPAddress address = System.Net.IPAddress.IPv6Loopback;
        using var collector = new UdpCollector(address);
        List<byte[]> frames = FastPathTest.Frames(3000, seed: 9, maxLength: 1500);
        using (var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(address.ToString(), collector.Port)))
        {
            Assert.That(Ring(d).CurrentHop?.InterfaceIndex, Is.EqualTo(PacketTxRing.IndexOf("lo")));
            for (int i = 0; i < frames.Count; i += 100)
            {
                d.Send(frames.Skip(i).Take(100));
            }

            Assert.That((d.Sender.RingDatagrams, d.Sender.SocketDatagrams, d.Sender.FailedSends), Is.EqualTo((3000L, 0L, 0L)));
        }

        Assert.That(Run.Until(() => collector.Count >= frames.Count, 10_000), Is.True, $"received {collector.Count}");
        Assert.That(collector.Datagrams.Select(g => NetTest.Hex(g)), Is.EqualTo(FastPathTest.ExpectedVxlan(frames)));
    }

    [TestCase("127.0.0.1")]
    [TestCase("host")]
    public void ToAnIpv4AddressOfThisHostTheSocketPathCarriesEveryDatagram(string where)
    {
        using var ns = new TestNetns();
        System.Net.IPAddress address = System.Net.IPAddress.Parse(where == "host" ? ns.HostAddress : where);
        using var collector = new UdpCollector(address);
        List<byte[]> frames = FastPathTest.Frames(50, seed: 10);
        using (var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(address.ToString(), collector.Port)))
        {
            Assert.That(Ring(d).CurrentHop, Is.Null, "the kernel drops IPv4 frames to itself injected on lo as martians");
            d.Send(frames);
            Assert.That((d.Sender.RingDatagrams, d.Sender.SocketDatagrams), Is.EqualTo((0L, 50L)));
        }

        Assert.That(Run.Until(() => collector.Count >= frames.Count, 10_000), Is.True, $"received {collector.Count}");
        Assert.That(collector.Datagrams.Select(g => NetTest.Hex(g)), Is.EqualTo(FastPathTest.ExpectedVxlan(frames)));
    }

    [Test]
    public void ANeighbourChangeIsFollowedWithoutWaitingForAPoll()
    {
        using var ns = new TestNetns();
        FastPathTest.PinNeighbour(ns);
        var clock = new ManualClock(); // never advanced: the safety-net lookup never comes due, only rtnetlink can trigger one
        const string newMac = "02:00:5e:00:53:01";
        using var capture = new Tcpdump(ns.NsVeth, "udp dst port 4789", netns: ns.Name);
        using (var d = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(ns.NsAddress), time: clock))
        {
            d.Send(FastPathTest.Frames(4, seed: 12));
            Assert.That(Ring(d).CurrentHop is { } hop ? NextHop.Mac(hop.DestinationMac) : "", Is.EqualTo(ns.MacOf(ns.NsVeth)));

            Run.Checked("ip", $"neigh replace {ns.NsAddress} lladdr {newMac} dev {ns.HostVeth} nud permanent");
            var changed = System.Diagnostics.Stopwatch.StartNew();
            bool followed = Run.Until(
                () =>
                {
                    d.Transport.OnTick();
                    return Ring(d).CurrentHop is { } h && NextHop.Mac(h.DestinationMac) == newMac;
                },
                3_000,
                pollMs: 5);
            TestContext.Out.WriteLine($"the new neighbour MAC was in use after {changed.Elapsed.TotalMilliseconds:F0} ms");
            Assert.That(followed, Is.True, "the neighbour change announced by rtnetlink is looked up at the next tick, with the clock standing still");
            d.Send(FastPathTest.Frames(3, seed: 13));
            Assert.That((d.Sender.RingDatagrams, d.Sender.SocketDatagrams), Is.EqualTo((7L, 0L)));
        }

        List<byte[]> received = capture.WaitFor(7);
        Assert.That(received.Select(f => NetTest.Hex(f.AsSpan(0, 6))), Is.EqualTo(Enumerable.Repeat(NetTest.Hex(Mac(ns.MacOf(ns.NsVeth))), 4).Concat(Enumerable.Repeat(NetTest.Hex(Mac(newMac)), 3))), "the frames after the change carry the new MAC");
    }

    [Test]
    public void RingOutputsShareOneRtnetlinkListenerThatEndsWithTheLastOfThem()
    {
        using var ns = new TestNetns();
        FastPathTest.PinNeighbour(ns);
        Assert.That(ListenerThreads(), Is.Zero, "no ring output yet");
        using (var first = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(ns.NsAddress)))
        using (var second = new FastPathTest.Driver(new VxlanOutputType(), Vxlan(ns.NsAddress, 4790)))
        {
            Assert.That(ListenerThreads(), Is.EqualTo(1), "one listener for both outputs");
        }

        Assert.That(Run.Until(() => ListenerThreads() == 0, 5_000), Is.True, "the listener thread ends with the last output");
    }

    /// <summary>Threads of this process named like the rtnetlink listener.</summary>
    private static int ListenerThreads() => Directory.EnumerateDirectories("/proc/self/task")
        .Count(t => File.Exists(Path.Combine(t, "comm")) && ReadComm(t) == "cpw-rtnetlink");

    private static string ReadComm(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim();
        }
        catch (IOException)
        {
            return ""; // the thread ended while we looked
        }
    }

    private static byte[] Mac(string text) => Convert.FromHexString(text.Replace(":", "", StringComparison.Ordinal));
}
