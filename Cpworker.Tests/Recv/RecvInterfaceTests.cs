using Cpworker.Engine.Packets;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// <c>--to-interface</c>: tcpdump on the interface sees the inner frames, on a TAP device recv
/// creates (and removes when it ends) and on an existing interface (AF_PACKET).
/// </summary>
[NonParallelizable]
public sealed class RecvInterfaceTests : DaemonTestBase
{
    private const string Script = """
        import socket, sys
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for line in open(sys.argv[2]):
            u.sendto(bytes.fromhex(line.strip()), ("127.0.0.1", int(sys.argv[1])))
        """;

    [TestCase(true)]
    [TestCase(false)]
    public void Tcpdump_on_the_interface_sees_the_inner_frames(bool createTap)
    {
        var random = new Random(5);
        var frames = new List<byte[]>();
        var lines = new List<string>();
        byte[] buffer = new byte[2048];
        for (int i = 0; i < 30; i++)
        {
            byte[] frame = new byte[random.Next(60, 1400)];
            random.NextBytes(frame);
            frame[0] = 0x02; // a unicast, locally administered destination
            frame[12] = 0x88;
            frame[13] = 0xB5; // local experimental EtherType: nothing in the kernel acts on it
            frames.Add(frame);
            int n = VxlanFormat.Write(buffer, frame, VniKind.Vni2, 0x2100, PacketDirection.Incoming, captureTime: false, 0);
            lines.Add(Convert.ToHexStringLower(buffer.AsSpan(0, n)));
        }

        string input = Path.Combine(Dir, "datagrams.txt");
        File.WriteAllLines(input, lines);
        string script = Path.Combine(Dir, "send.py");
        File.WriteAllText(script, Script);
        using var ns = new TestNetns();
        // An existing interface: the namespace's end of the test veth pair (this kernel has no dummy devices).
        string device = createTap ? $"rt{Guid.NewGuid():N}"[..12] : ns.NsVeth;

        using (var recv = new RecvProcess($"recv --vxlan 127.0.0.1:0 --vni vni2 --to-interface {device} --stats-interval 0", ns.Name))
        {
            recv.WaitReady();
            Assert.That(recv.Output, Does.Contain(createTap ? $"TAP device {device} (created)" : $"interface {device} (AF_PACKET)"));
            using var tcpdump = new Tcpdump(device, "ether proto 0x88b5", ns.Name); // not the kernel's own IPv6 chatter
            ns.Exec($"/usr/bin/python3 {script} {recv.PortOf("vxlan")} {input}");
            List<byte[]> seen = tcpdump.WaitFor(frames.Count);
            Assert.That(seen, Is.EqualTo(frames), tcpdump.Stderr + recv.Output);
            Assert.That(recv.Stop().ExitCode, Is.EqualTo(0), recv.Output);
        }

        bool exists = Run.Command("ip", $"netns exec {ns.Name} ip link show {device}").ExitCode == 0;
        Assert.That(exists, Is.EqualTo(!createTap), "a TAP device recv made ends with it; an existing interface stays");
    }
}
