using System.Text.Json.Nodes;
using Cpworker.Host.Control;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// A capture interface that disappears (docs/operations.md, "Task failures"): its task goes <c>failed</c>, visible through
/// the control socket, is retried every 5 s and comes back when the interface returns, while
/// another task's paced replay into a file carries on untouched.
/// </summary>
[Category(TestCategories.Root)]
[CancelAfter(120_000)]
public class TaskFailureEndToEndTests
{
    private static async Task<string> StateOf(string socket, string task)
    {
        using ControlClient c = await ControlClient.ConnectAsync(socket, TimeSpan.FromSeconds(5));
        JsonObject reply = await c.CommandAsync("tasks");
        JsonNode t = ((JsonArray)reply["tasks"]!).First(n => (string?)n!["name"] == task)!;
        return (string)t["state"]! + (t["error"] is JsonNode e ? ": " + (string)e! : "");
    }

    private static bool Until(Func<Task<bool>> condition, int timeoutMs) => Run.Until(() => condition().GetAwaiter().GetResult(), timeoutMs, pollMs: 100);

    [Test]
    public async Task An_interface_removed_and_recreated_fails_and_resumes_its_task_while_another_runs_on()
    {
        using var ns = new TestNetns();
        string dir = ControlFixture.NewDirectory();
        try
        {
            var steady = new PcapBuilder();
            for (int i = 0; i < 6000; i++)
            {
                byte[] frame = (byte[])TestFrames.FrameA.Clone();
                BitConverter.TryWriteBytes(frame.AsSpan(frame.Length - 4), i);
                steady.Add(frame, 1_700_000_000_000_000_000 + i * 1_000_000L);
            }

            string steadyIn = steady.WriteTo(Path.Combine(dir, "steady.pcap"));
            string steadyOut = Path.Combine(dir, "steady-out.pcap");
            string socket = Path.Combine(dir, "ctl.sock");
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath,
                $"{{\"control\":{{\"type\":\"unix\",\"unix\":{{\"path\":\"{socket}\"}}}},\"tasks\":[" +
                $"{{\"name\":\"veth\",\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"{ns.NsVeth}\",\"netns\":\"{ns.Path}\"}}}},\"outputs\":[{{\"type\":\"null\"}}]}}," +
                $"{{\"name\":\"steady\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{steadyIn}\",\"speed\":1}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{steadyOut}\"}}}}]}}]}}");
            var log = new LogCapture();
            var host = new DaemonHost(configPath, exitAtEof: false, log) { HandleSignals = false };
            Task<int> run = Task.Run(host.RunAsync);
            Assert.That(host.Started.Wait(20_000), Is.True, log.Text);
            Assert.That(Until(async () => await StateOf(socket, "veth") == "running", 20_000), Is.True, log.Text);

            // The interface goes away: deleting the namespace's end removes the pair.
            Run.Checked("ip", $"-n {ns.Name} link del {ns.NsVeth}");
            Assert.That(Until(async () => (await StateOf(socket, "veth")).StartsWith("failed", StringComparison.Ordinal), 15_000), Is.True, log.Text);
            string failed = await StateOf(socket, "veth");
            TestContext.Out.WriteLine($"while gone: {failed}");
            Assert.That(log.Contains("veth:") && log.Contains("retrying in 5 s"), Is.True, log.Text);

            // It comes back under the same name: the next retry (at most 5 s later) resumes the task.
            Run.Checked("ip", $"link add {ns.HostVeth} type veth peer name {ns.NsVeth}");
            Run.Checked("ip", $"link set {ns.NsVeth} netns {ns.Name}");
            Run.Checked("ip", $"addr add {ns.HostAddress}/30 dev {ns.HostVeth}");
            Run.Checked("ip", $"link set {ns.HostVeth} up");
            ns.Exec($"ip addr add {ns.NsAddress}/30 dev {ns.NsVeth}");
            ns.Exec($"ip link set {ns.NsVeth} up");
            Assert.That(Until(async () => await StateOf(socket, "veth") == "running", 20_000), Is.True, log.Text);
            long before = host.Engine!.GetStatus()[0].Capture.Packets;
            Run.Checked("/usr/bin/python3", $"-c \"import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); [s.sendto(b'x', ('{ns.NsAddress}', 9)) for _ in range(5)]\"");
            Assert.That(Run.Until(() => host.Engine.GetStatus()[0].Capture.Packets > before, 10_000), Is.True, "capturing again");

            // The other task never noticed.
            Assert.That(Run.Until(() => host.Engine.GetStatus()[1].Outputs[0].Counters.ForwardedPackets == 6000, 30_000), Is.True);
            Assert.That(host.Engine.GetStatus()[1].State, Is.EqualTo(Cpworker.Engine.Runtime.TaskState.Running));
            host.RequestStop();
            Assert.That(run.Wait(10_000) && run.Result == 0, Is.True, log.Text);
            List<(long Timestamp, byte[] Frame)> got = PcapRecords.Read(steadyOut);
            Assert.That(got, Has.Count.EqualTo(6000));
            Assert.That(Enumerable.Range(0, got.Count).All(i => BitConverter.ToInt32(got[i].Frame.AsSpan(got[i].Frame.Length - 4)) == i), Is.True, "in order, once");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
