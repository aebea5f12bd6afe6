using System.Net.Sockets;
using System.Text;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>systemd notifications (<c>NOTIFY_SOCKET</c>) from the real binary: READY=1 once every task started or failed, RELOADING=1 around a reload, STOPPING=1.</summary>
[CancelAfter(120_000)]
public class SystemdNotifyTests
{
    private static string? Receive(Socket socket, int timeoutMs)
    {
        if (!socket.Poll(timeoutMs * 1000, SelectMode.SelectRead))
        {
            return null;
        }

        var buffer = new byte[4096];
        int n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>Datagrams until one contains <paramref name="key"/>; fails on timeout.</summary>
    private static List<string> ReceiveUntil(Socket socket, string key, int timeoutMs, DaemonProcess daemon)
    {
        var got = new List<string>();
        long deadline = Environment.TickCount64 + timeoutMs;
        while (Environment.TickCount64 < deadline)
        {
            string? d = Receive(socket, (int)Math.Max(1, deadline - Environment.TickCount64));
            if (d is null)
            {
                break;
            }

            got.Add(d);
            if (d.Split('\n').Contains(key))
            {
                return got;
            }
        }

        throw new AssertionException($"no {key} within {timeoutMs} ms; got [{string.Join(" | ", got)}]\n{daemon.Output}");
    }

    [Test]
    public void The_daemon_notifies_ready_reloading_and_stopping()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            string notifyPath = Path.Combine(dir, "notify.sock");
            using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notify.Bind(new UnixDomainSocketEndPoint(notifyPath));
            var pcap = new PcapBuilder();
            for (int i = 0; i < 50; i++)
            {
                pcap.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
            }

            string file = pcap.WriteTo(Path.Combine(dir, "in.pcap"));
            string socketPath = Path.Combine(dir, "ctl.sock");
            string config = Path.Combine(dir, "cpworker.json");
            string output = Path.Combine(dir, "out.pcap");
            File.WriteAllText(config,
                "{\"control\":{\"type\":\"unix\",\"unix\":{\"path\":\"" + socketPath + "\"}},\"tasks\":[" +
                "{\"name\":\"replay\",\"capturer\":{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"" + file + "\"}},\"outputs\":[{\"type\":\"file\",\"file\":{\"name\":\"" + output + "\"}}]}," +
                "{\"name\":\"gone\",\"capturer\":{\"type\":\"libpcap\",\"libpcap\":{\"interface\":\"cpwnone0\"}},\"outputs\":[{\"type\":\"null\"}]}]}");
            using DaemonProcess daemon = DaemonProcess.Start($"-c {config}", dir, new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notifyPath });

            List<string> ready = ReceiveUntil(notify, "READY=1", 30_000, daemon);
            Assert.That(ready[^1], Does.Contain($"MAINPID={daemon.Pid}").And.Contain("STATUS=1 of 2 task(s) running"), "ready once one task runs and the other has failed");
            Assert.That(daemon.WaitForLine("gone:", 10_000), Is.True, "the failing task was logged");

            // The built binary's ctl against the built daemon.
            (int code, string stdout, string stderr) = Run.Command("dotnet", $"\"{DaemonProcess.DllPath}\" ctl --socket {socketPath} tasks");
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Match(@"(?m)^replay\s+running").And.Match(@"(?m)^gone\s+(failed|starting)"));

            daemon.Signal(1); // SIGHUP
            List<string> reload = ReceiveUntil(notify, "READY=1", 20_000, daemon);
            Assert.That(reload.Any(d => d.Split('\n').Contains("RELOADING=1") && d.Contains("MONOTONIC_USEC=", StringComparison.Ordinal)), Is.True, string.Join(" | ", reload));
            Assert.That(daemon.WaitForLine("reload complete: 2 unchanged", 10_000), Is.True, daemon.Output);

            daemon.Signal(15); // SIGTERM
            ReceiveUntil(notify, "STOPPING=1", 10_000, daemon);
            Assert.That(daemon.WaitForExit(10_000), Is.Zero, daemon.Output);
            Assert.That(File.Exists(socketPath), Is.False, "control socket removed at stop");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void An_abstract_notify_socket_is_reached_and_no_socket_means_no_notification()
    {
        string name = "cpwt-notify-" + Guid.NewGuid().ToString("N")[..8];
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint("\0" + name));
        var log = new ListLogger();
        using (var notifier = new SystemdNotifier("@" + name, log))
        {
            Assert.That(notifier.Enabled, Is.True);
            notifier.Ready("ok");
            notifier.Stopping();
        }

        Assert.That(Receive(notify, 5000), Is.EqualTo($"READY=1\nSTATUS=ok\nMAINPID={Environment.ProcessId}"));
        Assert.That(Receive(notify, 5000), Is.EqualTo("STOPPING=1"));

        using var none = new SystemdNotifier(null, log);
        Assert.That(none.Enabled, Is.False);
        none.Ready("nothing"); // no socket, no error
        Assert.That(log.Lines, Is.Empty);
    }
}
