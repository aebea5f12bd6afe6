using System.Buffers.Binary;
using System.Net;
using Cpworker.Engine;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.FastPath;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.FastPath;

/// <summary>
/// The packet-ring send path puts on the wire exactly the GRE and VXLAN datagrams of the socket path,
/// under both schedulers: a replay runs once per path into a veth pair, tcpdump captures on the
/// namespace's end, and the datagrams (everything after the outer IP/UDP header) are compared byte for
/// byte; the outer headers are checked against what the kernel writes for the socket path and by tshark.
/// </summary>
[NonParallelizable]
public sealed class RingWireTests
{
    private const int Count = 600;

    [Test]
    public async Task RingAndSocketPathsSendTheSameBytes(
        [Values(ExecutionModel.Rtc, ExecutionModel.Pipeline)] ExecutionModel model,
        [Values("gre", "vxlan")] string type)
    {
        using var ns = new TestNetns();
        FastPathTest.PinNeighbour(ns);
        List<byte[]> frames = FastPathTest.Frames(Count);
        bool gre = type == "gre";
        string filter = gre ? "ip proto 47" : "udp dst port 4789";

        (List<byte[]> socketFrames, OutputCounterSnapshot socketCounters, _) = await RunAsync(ns, model, frames, filter, gre, SendPath.Socket);
        (List<byte[]> ringFrames, OutputCounterSnapshot ringCounters, string ringStats) = await RunAsync(ns, model, frames, filter, gre, SendPath.PacketRing);

        Assert.That(socketCounters.ForwardedPackets, Is.EqualTo(Count), socketCounters.ToString());
        Assert.That(ringCounters.ForwardedPackets, Is.EqualTo(Count), ringCounters.ToString());
        Assert.That(ringStats, Is.EqualTo($"ring {Count} socket 0"), "every datagram went through the ring");
        Assert.That(socketFrames, Has.Count.EqualTo(Count));
        Assert.That(ringFrames, Has.Count.EqualTo(Count));

        int ipHeader = 20;
        int outer = 14 + ipHeader + (gre ? 0 : 8);
        ushort? previousId = null;
        for (int i = 0; i < Count; i++)
        {
            byte[] s = socketFrames[i];
            byte[] r = ringFrames[i];
            Assert.That(NetTest.Hex(r.AsSpan(outer)), Is.EqualTo(NetTest.Hex(s.AsSpan(outer))), $"datagram {i}");
            Assert.That(NetTest.Hex(r.AsSpan(0, 14)), Is.EqualTo(NetTest.Hex(s.AsSpan(0, 14))), $"Ethernet header {i}");
            Assert.That(r[14], Is.EqualTo(0x45), "IPv4, no options");
            Assert.That(r[14 + 8], Is.EqualTo(s[14 + 8]).And.EqualTo(64), "TTL as the kernel's");
            Assert.That(r[14 + 6] & 0xE0, Is.EqualTo(s[14 + 6] & 0xE0), "DF as the kernel's");
            Assert.That(NetTest.Hex(r.AsSpan(14 + 12, 8)), Is.EqualTo(NetTest.Hex(s.AsSpan(14 + 12, 8))), "addresses");
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(14 + 2)), Is.EqualTo(r.Length - 14), "IP total length");
            ushort id = BinaryPrimitives.ReadUInt16BigEndian(r.AsSpan(14 + 4));
            if (previousId is ushort p)
            {
                Assert.That(id, Is.EqualTo((ushort)(p + 1)), "IPv4 ID advances per datagram");
            }

            previousId = id;
        }

        // The datagrams of one run start with wire.md's header for the first frame (frame A, vxlan vni2 / gre no tag).
        if (!gre)
        {
            Assert.That(NetTest.Hex(ringFrames[1].AsSpan(outer)), Is.EqualTo(WireVectors.DocShortFrameVxlan.Replace("080000001000078e", NetTest.Hex(socketFrames[1].AsSpan(outer, 8)), StringComparison.Ordinal)));
            ushort sourcePort = BinaryPrimitives.ReadUInt16BigEndian(ringFrames[0].AsSpan(14 + 20));
            Assert.That(ringFrames.All(f => BinaryPrimitives.ReadUInt16BigEndian(f.AsSpan(14 + 20)) == sourcePort), Is.True, "one source port: the socket's");
        }
    }

    [Test]
    public async Task TsharkFindsEveryRingChecksumGood([Values("gre", "vxlan")] string type)
    {
        using var ns = new TestNetns();
        FastPathTest.PinNeighbour(ns);
        bool gre = type == "gre";
        List<byte[]> frames = FastPathTest.Frames(200, seed: 3);
        using var capture = new Tcpdump(ns.NsVeth, gre ? "ip proto 47" : "udp dst port 4789", netns: ns.Name);
        await RunReplayAsync(ns, ExecutionModel.Rtc, frames, gre, SendPath.PacketRing);
        capture.WaitFor(frames.Count);
        string checks = Run.Checked(
            "tshark",
            $"-n -r {capture.Path} -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -T fields -e ip.checksum.status -e ip.ttl" + (gre ? "" : " -e udp.checksum.status"),
            60_000);
        // One line per packet; each field lists the outer layer first (inner frames may carry IP/UDP too).
        List<string> lines = checks.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => string.Join('/', line.Split('\t').Select(field => field.Split(',')[0])))
            .ToList();
        Assert.That(lines, Has.Count.EqualTo(frames.Count));
        // checksum status 1 = good (0 bad, 2 unverified); GRE has no UDP checksum.
        Assert.That(lines.Distinct(), Is.EqualTo(new[] { gre ? "1/64" : "1/64/1" }));
    }

    private static async Task<(List<byte[]> Frames, OutputCounterSnapshot Counters, string PathStats)> RunAsync(
        TestNetns ns, ExecutionModel model, List<byte[]> frames, string filter, bool gre, SendPath path)
    {
        using var capture = new Tcpdump(ns.NsVeth, filter, netns: ns.Name);
        (OutputCounterSnapshot counters, string stats) = await RunReplayAsync(ns, model, frames, gre, path);
        return (capture.WaitFor(frames.Count), counters, stats);
    }

    private static async Task<(OutputCounterSnapshot Counters, string PathStats)> RunReplayAsync(
        TestNetns ns, ExecutionModel model, List<byte[]> frames, bool gre, SendPath path)
    {
        OutputSettings settings = gre
            ? new GreSettings { Host = ns.NsAddress, SendPath = path }
            : new VxlanSettings { Host = ns.NsAddress, VniKind = VniKind.Vni2, Vni = 33 << 8, SendPath = path };
        CpworkerConfig config = FastPathTest.Replay(model, frames, settings);
        await using var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(30_000), Is.True, "the replay ends");
        await engine.StopAsync();
        OutputStatus output = engine.GetStatus()[0].Outputs[0];
        return (output.Counters, $"ring {output.Counters.RingDatagrams} socket {output.Counters.SocketDatagrams}");
    }
}
