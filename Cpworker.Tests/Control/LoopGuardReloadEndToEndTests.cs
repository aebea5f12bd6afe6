using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// A reload that adds a VXLAN output to another task changes the loop guard: the running live
/// task gets the new filter without a restart, stops capturing the new output's traffic, and
/// loses none of its own packets.
/// </summary>
[Category(TestCategories.Root)]
[CancelAfter(120_000)]
[NonParallelizable]
public class LoopGuardReloadEndToEndTests
{
    [Test]
    public async Task A_running_live_task_gets_the_new_loop_guard_at_reload_without_restarting()
    {
        using var ns = new TestNetns();
        Run.Checked("ip", $"neigh replace {ns.NsAddress} lladdr {ns.MacOf(ns.NsVeth)} dev {ns.HostVeth} nud permanent");
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sink.Bind(new IPEndPoint(IPAddress.Parse(ns.HostAddress), 0));
        int port = ((IPEndPoint)sink.LocalEndPoint!).Port;
        string dir = ControlFixture.NewDirectory();
        try
        {
            var pcap = new PcapBuilder();
            for (int i = 0; i < 100; i++)
            {
                pcap.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1_000_000L);
            }

            string replay = pcap.WriteTo(Path.Combine(dir, "other.pcap"));
            string live = $"{{\"name\":\"live\",\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"{ns.HostVeth}\",\"bpf\":\"udp\",\"buffer_size_mb\":4}}}},\"outputs\":[{{\"type\":\"null\"}}]}}";
            string Other(string output) => $"{{\"name\":\"other\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{replay}\",\"speed\":1,\"loop\":0}}}},\"outputs\":[{output}]}}";
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, $"{{\"tasks\":[{live},{Other($"{{\"type\":\"file\",\"file\":{{\"name\":\"{Path.Combine(dir, "other-out.pcap")}\"}}}}")}]}}");
            var log = new LogCapture();
            var host = new DaemonHost(configPath, exitAtEof: false, log) { HandleSignals = false };
            Task<int> run = Task.Run(host.RunAsync);
            Assert.That(host.Started.Wait(20_000), Is.True, log.Text);
            CpworkerEngine engine = host.Engine!;
            Assert.That(Run.Until(() => engine.GetStatus().All(s => s.State == TaskState.Running), 20_000), Is.True, log.Text);

            // The other task now sends VXLAN to the namespace, through the interface the live task captures.
            File.WriteAllText(configPath, $"{{\"tasks\":[{live},{Other($"{{\"type\":\"vxlan\",\"vxlan\":{{\"host\":\"{ns.NsAddress}\",\"vni1\":100}}}}")}]}}");
            ReloadSummary? summary = await host.ReloadAsync();
            Assert.That(summary, Is.Not.Null, log.Text);
            Assert.That(summary!.Unchanged, Is.EqualTo(new[] { "live" }));
            Assert.That(summary.Rebuilt, Is.EqualTo(new[] { "other" }));
            Assert.That(summary.FiltersUpdated, Is.EqualTo(1));
            Assert.That(Run.Until(() => log.Contains("live: capture filter updated for the new outputs: (udp) and not ("), 10_000), Is.True, log.Text);

            long before = engine.GetStatus()[0].Capture.Packets;
            long vxlanBefore = engine.GetStatus()[1].Outputs[0].Counters.ForwardedPackets;
            ns.Exec($"/usr/bin/python3 -c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'y'*100, ('{ns.HostAddress}', {port})) for _ in range(40)]\"");
            Assert.That(Run.Until(() => engine.GetStatus()[1].Outputs[0].Counters.ForwardedPackets > vxlanBefore + 300, 20_000), Is.True, "VXLAN flows over the captured interface");
            Assert.That(Run.Until(() => engine.GetStatus()[0].Capture.Packets >= before + 40, 10_000), Is.True, "the live task captures its own traffic");
            Cpworker.Engine.Runtime.TaskSnapshot liveStatus = engine.GetStatus()[0];
            Assert.That(liveStatus.Capture.Packets, Is.EqualTo(before + 40), "and none of the VXLAN output's packets");
            Assert.That(liveStatus.Capture.KernelDrops, Is.Zero);
            Assert.That(log.Count("live: running"), Is.EqualTo(1), "never restarted");
            host.RequestStop();
            Assert.That(run.Wait(10_000) && run.Result == 0, Is.True, log.Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
