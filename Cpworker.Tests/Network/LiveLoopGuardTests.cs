using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>
/// The loop guard with a live task (docs/loop-guard.md, "What it does"): a task captures on the interface its own GRE
/// and VXLAN outputs leave through. With the guard it forwards each captured packet once; without
/// it the outputs' packets are captured again and the traffic feeds itself.
/// </summary>
[Category(TestCategories.Root)]
[NonParallelizable]
public sealed class LiveLoopGuardTests
{
    private const int Injected = 40;

    private static async Task<(long Captured, long Vxlan, long Gre)> Run(bool guard, Func<long, bool> stopWhen, int timeoutMs)
    {
        using var ns = new TestNetns();
        Support.Run.Checked("ip", $"neigh replace {ns.NsAddress} lladdr {ns.MacOf(ns.NsVeth)} dev {ns.HostVeth} nud permanent");
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Parse(ns.HostAddress), 0)); // a listener: no ICMP port unreachable

        // udp: the namespace answers GRE with ICMP protocol unreachable, which is traffic, not a loop.
        int port = ((IPEndPoint)sink.LocalEndPoint!).Port;

        var config = new CpworkerConfig
        {
            Tasks =
            [
                new TaskConfig
                {
                    Name = "live",
                    Capturer = new LibpcapCaptureConfig { Interface = ns.HostVeth, Bpf = $"udp and ip host {ns.NsAddress}", NotFilterOutputHosts = !guard, BufferSizeMb = 4 },
                    Outputs =
                    [
                        new OutputConfig { Index = 0, Type = "vxlan", Settings = new VxlanSettings { Host = ns.NsAddress, VniKind = VniKind.Vni2, Vni = 0x100 } },
                        new OutputConfig { Index = 1, Type = "gre", Settings = new GreSettings { Host = ns.NsAddress } },
                    ],
                },
            ],
        };
        await using var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(engine.Ready.Wait(20_000), Is.True);
        Assert.That(engine.GetStatus()[0].State, Is.EqualTo(TaskState.Running), engine.GetStatus()[0].Error);

        ns.Exec($"/usr/bin/python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x'*200, ('{ns.HostAddress}', {port})) for _ in range({Injected})]\"");
        Support.Run.Until(() => stopWhen(engine.GetStatus()[0].Capture.Packets), timeoutMs);
        Cpworker.Engine.Runtime.TaskSnapshot status = engine.GetStatus()[0];
        await engine.StopAsync();
        return (status.Capture.Packets, status.Outputs[0].Counters.ForwardedPackets, status.Outputs[1].Counters.ForwardedPackets);
    }

    [Test]
    public async Task WithTheGuardEachCapturedPacketIsForwardedOnceAndNothingLoops()
    {
        // Wait the full second: a loop would have shown by then (each round trip takes microseconds).
        (long captured, long vxlan, long gre) = await Run(guard: true, stopWhen: c => c > Injected, timeoutMs: 1500);
        Assert.That(captured, Is.EqualTo(Injected), "only the injected packets were captured");
        Assert.That((vxlan, gre), Is.EqualTo(((long)Injected, (long)Injected)));
    }

    [Test]
    public async Task WithoutTheGuardTheOutputsRecaptureTheirOwnTraffic()
    {
        (long captured, _, _) = await Run(guard: false, stopWhen: c => c > 4 * Injected, timeoutMs: 10_000);
        Assert.That(captured, Is.GreaterThan(4 * Injected), "the outputs' packets came back into the capture");
    }
}
