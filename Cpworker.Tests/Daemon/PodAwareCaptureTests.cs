using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// A task whose <c>netns</c> names something that survives a restart follows the namespace when
/// the process behind it is replaced (pod restart) or the named namespace is re-created
/// (<c>ip netns del</c> + <c>add</c>), within one retry period, and logs it (docs/deploy.md).
/// </summary>
public class PodAwareCaptureTests : DaemonTestBase
{
    /// <summary>The daemon's first retry period (docs/operations.md, "Task failures") plus its namespace check interval: the promise.</summary>
    private static readonly TimeSpan s_followLimit = TimeSpan.FromSeconds(5 + 1);

    [Test]
    public void A_pod_uid_task_follows_the_pod_into_its_new_namespace_after_a_restart()
    {
        string uid = Guid.NewGuid().ToString();
        string containerId = (Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..64];
        using var cgroup = new TestCgroup($"kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{uid.Replace('-', '_')}.slice/cri-containerd-{containerId}.scope");
        string config = LiveConfig(new { pod_uid = uid });

        var first = new PodSandbox($"cpwt-cni-{uid[..8]}-a");
        PodSandbox? second = null;
        try
        {
            Process oldPod = cgroup.StartSleeper(first.Name);
            using var daemon = DaemonProcess.Start($"run -c {config}");
            Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
            Assert.That(daemon.Output, Does.Contain($"pod_uid {uid}"));
            SendAndExpect(first, "first", daemon);

            // The pod restarts: its process and sandbox go, a new sandbox and process come.
            TestCgroup.Kill(oldPod);
            first.Dispose();
            // Removing the sandbox takes eth0 with it: the capture fails and retries until the pod is back.
            Assert.That(Run.Until(() => daemon.Output.Contains("retrying", StringComparison.Ordinal), 10_000), Is.True, daemon.Output);
            second = new PodSandbox($"cpwt-cni-{uid[..8]}-b");
            var clock = Stopwatch.StartNew();
            cgroup.StartSleeper(second.Name);
            Assert.That(Run.Until(() => RunningLines(daemon) >= 2, 15_000), Is.True, daemon.Output);
            TimeSpan follow = clock.Elapsed;
            TestContext.Progress.WriteLine($"pod restart followed in {follow.TotalMilliseconds:F0} ms");
            Assert.That(follow, Is.LessThanOrEqualTo(s_followLimit + TimeSpan.FromSeconds(2)), daemon.Output);

            SendAndExpect(second, "second", daemon);
            daemon.Signal(15);
            Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    [Test]
    public void A_new_process_of_the_pod_is_followed_when_the_old_one_ends_after_it_started()
    {
        string uid = Guid.NewGuid().ToString();
        using var cgroup = new TestCgroup($"kubepods/besteffort/pod{uid}/{Guid.NewGuid():N}");
        string config = LiveConfig(new { cgroup = $"{cgroup.Path[..cgroup.Path.LastIndexOf('/')]}" });
        using var first = new PodSandbox($"cpwt-cni-{uid[..8]}-a");
        using var second = new PodSandbox($"cpwt-cni-{uid[..8]}-b");
        Process oldPod = cgroup.StartSleeper(first.Name);
        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
        SendAndExpect(first, "first", daemon);

        // Both processes exist for a moment (as during a rolling restart); the old one then ends.
        cgroup.StartSleeper(second.Name);
        TestCgroup.Kill(oldPod);
        var clock = Stopwatch.StartNew();
        Assert.That(Run.Until(() => RunningLines(daemon) >= 2, 15_000), Is.True, daemon.Output);
        TestContext.Progress.WriteLine($"new process followed in {clock.ElapsedMilliseconds} ms");
        Assert.That(clock.Elapsed, Is.LessThanOrEqualTo(s_followLimit), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("now is net:["), daemon.Output);

        SendAndExpect(second, "second", daemon);
        daemon.Signal(15);
        Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);
    }

    /// <summary>Issue 15 item 8: <c>ip netns del</c> and a new namespace of the same name; the C-compatible path form and the name form.</summary>
    [TestCase("path")]
    [TestCase("name")]
    public void A_named_netns_deleted_and_added_again_is_followed(string form)
    {
        string name = $"cpwt-re-{Guid.NewGuid().ToString("N")[..8]}";
        var first = new PodSandbox(name);
        PodSandbox? second = null;
        try
        {
            string config = form == "path" ? LiveConfig(first.Path) : LiveConfig(new { name });
            using var daemon = DaemonProcess.Start($"run -c {config}");
            Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
            SendAndExpect(first, "before", daemon);

            // Only the name goes: the daemon's handle keeps the old namespace and its eth0 alive.
            first.DeleteName();
            second = new PodSandbox(name);
            var clock = Stopwatch.StartNew();
            Assert.That(Run.Until(() => RunningLines(daemon) >= 2, 15_000), Is.True, daemon.Output);
            TestContext.Progress.WriteLine($"re-created netns followed in {clock.ElapsedMilliseconds} ms");
            Assert.That(clock.Elapsed, Is.LessThanOrEqualTo(s_followLimit), daemon.Output);
            Assert.That(daemon.Output, Does.Contain("now is net:[").Or.Contain("is gone"), daemon.Output);

            SendAndExpect(second, "after", daemon);
            daemon.Signal(15);
            Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);
        }
        finally
        {
            first.Dispose();
            second?.Dispose();
        }
    }

    private string LiveConfig(object netns) => WriteConfig(new
    {
        tasks = new[]
        {
            new
            {
                name = "pod",
                capturer = new
                {
                    type = "libpcap",
                    libpcap = new { @interface = "eth0", netns, bpf = "udp and dst port 7777" },
                },
                outputs = new object[] { new { type = "file", file = new { name = Path.Combine(Dir, "live.pcap") } } },
            },
        },
    });

    private static int RunningLines(DaemonProcess daemon) => daemon.Lines.Count(l => l.Contains("pod: running", StringComparison.Ordinal));

    /// <summary>Sends 20 datagrams tagged <paramref name="tag"/> into the sandbox and waits until all were written.</summary>
    private void SendAndExpect(PodSandbox sandbox, string tag, DaemonProcess daemon)
    {
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(sandbox.HostAddress), 0));
            var target = new IPEndPoint(IPAddress.Parse(sandbox.NsAddress), 7777);
            for (int i = 0; i < 20; i++)
            {
                socket.SendTo(Encoding.ASCII.GetBytes($"{tag} {i:D2}"), target);
            }
        }

        Assert.That(Run.Until(() => Captured(tag) == 20, 10_000), Is.True, $"{Captured(tag)} of 20 \"{tag}\" datagrams written\n{daemon.Output}");
    }

    /// <summary>How many datagrams tagged <paramref name="tag"/> the output files hold (a restart renames the earlier file).</summary>
    private int Captured(string tag)
    {
        int n = 0;
        foreach (string file in Directory.GetFiles(Dir, "live.pcap*"))
        {
            try
            {
                n += PcapFileReader.Read(file).Records.Count(r => UdpPayload(r.Data).StartsWith(tag + " ", StringComparison.Ordinal));
            }
            catch (Exception ex) when (ex is IOException or FormatException or ArgumentException)
            {
                // being written: the next poll reads it again
            }
        }

        return n;
    }

    private static string UdpPayload(byte[] frame)
    {
        int ip = 14;
        int ihl = (frame[ip] & 0x0F) * 4;
        int udp = ip + ihl;
        int length = (frame[udp + 4] << 8 | frame[udp + 5]) - 8;
        return Encoding.ASCII.GetString(frame, udp + 8, Math.Min(length, frame.Length - udp - 8));
    }
}
