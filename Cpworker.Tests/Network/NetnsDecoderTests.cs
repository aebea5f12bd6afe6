using System.Globalization;
using System.Net;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>
/// GRE and VXLAN checked by real decoders: the Linux vxlan device (decapsulation), tcpdump and
/// tshark (dissection), across a veth pair into a test namespace.
/// </summary>
[Category(TestCategories.Root)]
[NonParallelizable]
public sealed class NetnsDecoderTests
{
    /// <summary>Frames a vxlan device passes up unchanged: unicast source MACs, no TCP (no GRO merging).</summary>
    private static List<byte[]> Frames()
    {
        var random = new Random(7);
        var frames = new List<byte[]> { TestFrames.FrameA, NetTest.Bytes(WireVectors.DocShortFrame) };
        for (int i = 0; i < 20; i++)
        {
            byte[] f = new byte[60 + random.Next(1300)];
            random.NextBytes(f);
            f[0] = 0x02;
            f[6] = 0x02; // locally administered unicast source
            f[12] = 0x88;
            f[13] = 0xB5; // local experimental EtherType: nothing in the stack interprets it
            frames.Add(f);
        }

        return frames;
    }

    private static void PinNeighbour(TestNetns ns) =>
        Run.Checked("ip", $"neigh replace {ns.NsAddress} lladdr {ns.MacOf(ns.NsVeth)} dev {ns.HostVeth} nud permanent");

    /// <summary>Sends every frame through the output's encoder and transport (rtc lane), then closes it.</summary>
    private static OutputContext Send(OutputType type, Cpworker.Engine.Configuration.OutputSettings settings, IReadOnlyList<byte[]> frames, Func<int, PacketDirection> direction)
    {
        OutputContext context = NetTest.Context(settings, type.Name, snaplen: 2048);
        OutputParts parts = type.Create(settings, context);
        parts.Transport.SettleInto(context.Counters.Sender); // what the output's stage does in the engine
        parts.Encoder.Attach(new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages));
        for (int i = 0; i < frames.Count; i++)
        {
            if (parts.Encoder.Encode(new Packet(frames[i], frames[i].Length, 1_700_000_000_000_000_000, direction(i))))
            {
                context.Counters.Packet.AcceptedPackets++;
            }
        }

        parts.Encoder.EndOfBatch();
        parts.Encoder.Flush();
        parts.Transport.Close();
        return context;
    }

    [Test]
    public void VxlanIsDecapsulatedByALinuxVxlanDeviceIntoTheOriginalFrames()
    {
        using var ns = new TestNetns();
        const int vni = 4242;
        ns.Exec($"ip link add vx0 type vxlan id {vni} dstport 4789 local {ns.NsAddress} dev {ns.NsVeth} nolearning");
        ns.Exec("ip link set vx0 addrgenmode none");
        ns.Exec("ip link set vx0 up");
        PinNeighbour(ns);
        List<byte[]> frames = Frames();
        using var inner = new Tcpdump("vx0", "", netns: ns.Name);
        using var outer = new Tcpdump(ns.HostVeth, "udp dst port 4789");

        var settings = new VxlanSettings { Host = ns.NsAddress, VniKind = VniKind.Vni2, Vni = vni << 8 };
        OutputContext context = Send(new VxlanOutputType(), settings, frames, _ => PacketDirection.NotChecked);
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero);

        List<byte[]> decapsulated = inner.WaitFor(frames.Count);
        Assert.That(decapsulated.Select(f => NetTest.Hex(f)), Is.EqualTo(frames.Select(f => NetTest.Hex(f))), "vx0 delivers exactly the input frames");
        outer.WaitFor(frames.Count);
        Assert.That(outer.Fields("vxlan.vni"), Is.EqualTo(Enumerable.Repeat(vni.ToString(CultureInfo.InvariantCulture), frames.Count)));
    }

    [Test]
    public void GreOnTheWireDecodesWithTheKeyAndCarriesTheFrameByteForByte()
    {
        using var ns = new TestNetns();
        PinNeighbour(ns);
        List<byte[]> frames = Frames();
        using var capture = new Tcpdump(ns.HostVeth, "ip proto 47");
        var settings = new GreSettings { Host = ns.NsAddress, ServiceTag = 34, PmtuDiscovery = PmtuDiscovery.Want };
        OutputContext context = Send(new GreOutputType(), settings, frames, i => (PacketDirection)(i % 3));
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero);

        List<byte[]> captured = capture.WaitFor(frames.Count);
        Assert.That(captured, Has.Count.EqualTo(frames.Count));
        byte[] nsAddress = IPAddress.Parse(ns.NsAddress).GetAddressBytes();
        for (int i = 0; i < frames.Count; i++)
        {
            byte[] c = captured[i];
            int ihl = (c[14] & 0x0F) * 4;
            Assert.That(c[14 + 9], Is.EqualTo(47), "IP protocol");
            Assert.That(c.AsSpan(14 + 16, 4).ToArray(), Is.EqualTo(nsAddress), "destination");
            byte[] expected = new byte[8 + frames[i].Length];
            GreFormat.Write(expected, frames[i], 34, (PacketDirection)(i % 3));
            Assert.That(NetTest.Hex(c.AsSpan(14 + ihl)), Is.EqualTo(NetTest.Hex(expected)), $"GRE datagram {i}");
        }

        List<string> keys = capture.Fields("gre.key");
        Assert.That(keys.Select(k => Convert.ToUInt32(k, 16)), Is.EqualTo(Enumerable.Range(0, frames.Count).Select(i => 34u | ((uint)(i % 3) << 28))));
        List<string> sources = capture.Fields("eth.src", "gre");
        Assert.That(
            sources.Select(line => line.Split(',').Last()),
            Is.EqualTo(frames.Select(f => string.Join(':', f.Skip(6).Take(6).Select(b => b.ToString("x2", CultureInfo.InvariantCulture))))),
            "tshark dissects the inner Ethernet frame behind the key");
    }

    [Test]
    public void BindDeviceAndPmtudiscDoRefuseOversizedDatagramsAndCarryOn([Values] bool gre)
    {
        using var ns = new TestNetns();
        PinNeighbour(ns);
        using var capture = new Tcpdump(ns.HostVeth, gre ? "ip proto 47" : "udp dst port 4789");
        byte[] big = new byte[1600];
        TestFrames.FrameA.CopyTo(big, 0);
        var frames = new List<byte[]> { TestFrames.FrameA, big, TestFrames.FrameB };
        Cpworker.Engine.Configuration.OutputSettings settings = gre
            ? new GreSettings { Host = ns.NsAddress, BindDevice = ns.HostVeth, PmtuDiscovery = PmtuDiscovery.Do }
            : new VxlanSettings { Host = ns.NsAddress, Vni = 5, BindDevice = ns.HostVeth, PmtuDiscovery = PmtuDiscovery.Do };
        OutputContext context = Send(gre ? new GreOutputType() : new VxlanOutputType(), settings, frames, _ => PacketDirection.Incoming);

        OutputCounterSnapshot s = context.Counters.Snapshot();
        Assert.That((s.ForwardedPackets, s.ErrorDropPackets, s.ErrorDropBytes), Is.EqualTo((2L, 1L, 1600L)), "DF on a 1500-byte link: EMSGSIZE, counted");
        List<byte[]> captured = capture.WaitFor(2);
        Assert.That(captured.Select(c => c.Length), Is.EqualTo(new[] { 14 + 20 + 8 + 60 + (gre ? 0 : 8), 14 + 20 + 8 + 96 + (gre ? 0 : 8) }));
        Assert.That(captured.All(c => (c[14 + 6] & 0x40) != 0), Is.True, "DF set");
    }

    [TestCase("gre")]
    [TestCase("vxlan")]
    public void Ipv6DestinationsWorkAndDecode(string type)
    {
        int port = 40000 + (Environment.ProcessId % 20000);
        using var capture = new Tcpdump("lo", type == "gre" ? "ip6 proto 47" : $"ip6 and udp dst port {port}");
        List<byte[]> frames = Frames();
        if (type == "gre")
        {
            uint tag = 0x0ABCDE0u + (uint)(Environment.ProcessId % 16);
            OutputContext c = Send(new GreOutputType(), new GreSettings { Host = "::1", ServiceTag = tag }, frames, _ => PacketDirection.Outgoing);
            Assert.That(c.Counters.Sender.FailedSends, Is.Zero);
            capture.WaitFor(frames.Count);
            List<string> keys = capture.Fields("gre.key");
            Assert.That(keys.Where(k => (Convert.ToUInt32(k, 16) & 0x0FFFFFFF) == tag).Count(), Is.EqualTo(frames.Count));
            Assert.That(keys.All(k => Convert.ToUInt32(k, 16) >> 28 is 2 or 0 or 1), Is.True);
        }
        else
        {
            var settings = new VxlanSettings { Host = "::1", Port = port, VniKind = VniKind.Vni2, Vni = 77 << 8 };
            OutputContext c = Send(new VxlanOutputType(), settings, frames, _ => PacketDirection.NotChecked);
            Assert.That(c.Counters.Sender.FailedSends, Is.Zero);
            capture.WaitFor(frames.Count);
            List<string> vnis = Run.Checked("tshark", $"-n -r {capture.Path} -d udp.port=={port},vxlan -T fields -e vxlan.vni")
                .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            Assert.That(vnis, Is.EqualTo(Enumerable.Repeat("77", frames.Count)));
        }
    }
}
