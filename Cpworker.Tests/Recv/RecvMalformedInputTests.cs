using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// Garbage interleaved with good input on every listener (random bytes, truncated headers, wrong
/// versions and flags, a bad check byte, a broken ZMQ record): recv counts each bad one under its
/// reason, keeps running, and writes exactly the good frames in order.
/// </summary>
[NonParallelizable]
public sealed class RecvMalformedInputTests : DaemonTestBase
{
    internal const string Script = """
        import socket, sys, zmq
        vx, zp, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        g4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
        g6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 47)
        ctx = zmq.Context()
        push = ctx.socket(zmq.PUSH)
        push.connect("tcp://127.0.0.1:%d" % zp)
        for line in open(path):
            kind, _, h = line.strip().partition(" ")
            data = bytes.fromhex(h)
            if kind == "vxlan": u.sendto(data, ("127.0.0.1", vx))
            elif kind == "gre4": g4.sendto(data, ("127.0.0.1", 0))
            elif kind == "gre6": g6.sendto(data, ("::1", 0))
            else: push.send(data)
        push.close(linger=10000)
        ctx.term()
        """;

    [Test]
    public void Garbage_is_counted_by_reason_and_the_good_frames_come_through_untouched()
    {
        var random = new Random(3);
        var lines = new StringBuilder();
        var good = new Dictionary<string, List<byte[]>> { ["vxlan"] = new(), ["gre"] = new(), ["zmq"] = new() };
        var bad = new Dictionary<string, int> { ["vxlan"] = 0, ["gre"] = 0, ["zmq"] = 0 };
        byte[] buffer = new byte[4096];
        for (int i = 0; i < 40; i++)
        {
            byte[] frame = new byte[random.Next(14, 400)];
            random.NextBytes(frame);
            var dir = (PacketDirection)(i % 3);

            int n = VxlanFormat.Write(buffer, frame, VniKind.Vni1, 0x155, dir, captureTime: true, 1_700_000_000_000_000_000 + i);
            Add(lines, "vxlan", buffer.AsSpan(0, n));
            good["vxlan"].Add(frame);
            byte[] vxlanBad = (i % 5) switch
            {
                0 => Random(random, 1 + random.Next(200)),
                1 => buffer[..Math.Min(n, 5)],
                2 => [0x0C, .. buffer.AsSpan(1, n - 1)], // VXLAN-GPE-like flags
                3 => [.. buffer.AsSpan(0, 7), (byte)(buffer[7] ^ 0x5A), .. buffer.AsSpan(8, n - 8)], // check byte
                _ => [],
            };
            Add(lines, "vxlan", vxlanBad);
            bad["vxlan"]++;

            string gre = i % 2 == 0 ? "gre4" : "gre6";
            n = GreFormat.Write(buffer, frame, 0x0ABCDE, dir);
            Add(lines, gre, buffer.AsSpan(0, n));
            good["gre"].Add(frame);
            byte[] greBad = (i % 4) switch
            {
                0 => Random(random, 1 + random.Next(200)),
                1 => buffer[..3],
                2 => [0x20, 0x01, .. buffer.AsSpan(2, n - 2)], // version 1
                _ => [0x20, 0x00, 0x08, 0x00, .. buffer.AsSpan(4, n - 4)], // not Ethernet
            };
            Add(lines, gre, greBad);
            bad["gre"]++;

            byte[] ipv4 = frame.ToArray(); // an IPv4 packet, so that its EtherType can be restored
            ipv4[12] = 0x08;
            ipv4[13] = 0x00;
            ipv4[14] = 0x45;
            byte[] message = new byte[24 + ZmqFormat.RecordLength(ipv4)];
            ZmqFormat.WriteBatchHeader(message, 1, 0x155, new byte[16]);
            ZmqFormat.WriteRecord(message.AsSpan(24), ipv4, ipv4.Length, 1_700_000_000_000_000_000, dir, 0x155);
            Add(lines, "zmq", message);
            good["zmq"].Add(ipv4);
            byte[] zmqBad = (i % 4) switch
            {
                0 => Random(random, 1 + random.Next(200)),
                1 => message[..20],
                2 => [0x00, 0x03, .. message.AsSpan(2)], // version 3
                _ => message[..^3], // the record is cut short
            };
            Add(lines, "zmq", zmqBad);
            bad["zmq"]++;
        }

        string input = Path.Combine(Dir, "datagrams.txt");
        File.WriteAllText(input, lines.ToString());
        string script = Path.Combine(Dir, "send.py");
        File.WriteAllText(script, Script);
        string output = Path.Combine(Dir, "out.pcapng");
        using var ns = new TestNetns();
        using var recv = new RecvProcess($"recv --vxlan 127.0.0.1:0 --capture-time --gre 127.0.0.1 --gre ::1 --zmq tcp://127.0.0.1:0 -w {output} --stats-interval 0", ns.Name);
        recv.WaitReady();
        ns.Exec($"/usr/bin/python3 {script} {recv.PortOf("vxlan")} {recv.PortOf("zmq")} {input}", 60_000);
        recv.WaitStats(s => RecvProcess.Packets(s, "vxlan") + RecvProcess.Packets(s, "gre") + RecvProcess.Packets(s, "zmq") >= 120
            && RecvProcess.Malformed(s, "vxlan") + RecvProcess.Malformed(s, "gre") + RecvProcess.Malformed(s, "zmq") >= 120);
        (int? code, JsonObject? stats) = recv.Stop();
        Assert.That(code, Is.EqualTo(0), recv.Output);
        foreach (string kind in good.Keys)
        {
            Assert.That(RecvProcess.Packets(stats!, kind), Is.EqualTo(good[kind].Count), $"{kind} good\n{recv.Output}");
            Assert.That(RecvProcess.Malformed(stats!, kind), Is.EqualTo(bad[kind]), $"{kind} bad\n{recv.Output}");
        }

        Assert.That(RecvProcess.Malformed(stats!, "vxlan", "bad_check_byte"), Is.EqualTo(8));
        Assert.That(RecvProcess.Malformed(stats!, "vxlan", "bad_flags"), Is.GreaterThanOrEqualTo(8));
        Assert.That(RecvProcess.Malformed(stats!, "gre", "wrong_version"), Is.GreaterThanOrEqualTo(10), "version 1 (and random bytes, whose version bits are set)");
        Assert.That(RecvProcess.Malformed(stats!, "gre", "wrong_protocol"), Is.EqualTo(10));
        Assert.That(RecvProcess.Malformed(stats!, "zmq", "wrong_version"), Is.InRange(10, 20), "version 3, and random bytes long enough for a header");
        List<PcapngPacket> packets = PcapngReader.Read(output);
        foreach (string kind in good.Keys)
        {
            List<PcapngPacket> mine = packets.Where(p => p.InterfaceName.StartsWith(kind, StringComparison.Ordinal)).ToList();
            if (kind == "gre")
            {
                // Two sockets (IPv4, IPv6) interleave in the file: compare as sets in each family's order.
                Assert.That(mine.Select(p => Convert.ToHexString(p.Data)), Is.EquivalentTo(good[kind].Select(Convert.ToHexString)));
                continue;
            }

            Assert.That(mine.Select(p => p.Data), Is.EqualTo(good[kind]), kind);
            Assert.That(mine.Select(p => p.Direction), Is.EqualTo(Enumerable.Range(0, 40).Select(i => i % 3)), kind);
        }
    }

    private static byte[] Random(Random random, int length)
    {
        byte[] b = new byte[length];
        random.NextBytes(b);
        b[0] = 0xFF; // never a valid first byte of any of the three formats
        return b;
    }

    private static void Add(StringBuilder lines, string kind, ReadOnlySpan<byte> data) =>
        lines.Append(kind).Append(' ').Append(Convert.ToHexStringLower(data)).Append('\n');
}
