using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Cpworker.Host.Control;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// The largest configuration the limits allow (1024 paced replays) leaves the control socket
/// answering and SIGTERM stopping within its promised 3 s; a configuration far above the limits
/// (the 468,114-task attack, here 20,000) is refused by the reload in seconds and changes nothing
/// and a storm of 30 SIGHUPs leaves it answering too
/// (docs/configuration.md, "Limits"; docs/operations.md, "Signals and exit codes").
/// </summary>
[CancelAfter(240_000)]
public class ConfigLimitsEndToEndTests
{
    private static string Config(string dir, string socket, string capture, int tasks, string model = "rtc", int speed = 1)
    {
        var sb = new StringBuilder($"{{\"execution_model\":\"{model}\",\"pipeline\":{{\"buffer_size_mb\":1}},\"control\":{{\"type\":\"unix\",\"unix\":{{\"path\":\"{socket}\"}}}},\"tasks\":[");
        for (int i = 0; i < tasks; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append($"{{\"name\":\"t{i}\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{capture}\",\"loop\":0,\"speed\":{speed}}}}},\"outputs\":[{{\"type\":\"null\"}}]}}");
        }

        return sb.Append("]}").ToString();
    }

    private static async Task<TimeSpan?> Ping(string socket)
    {
        var sw = Stopwatch.StartNew();
        try
        {
            using ControlClient c = await ControlClient.ConnectAsync(socket, TimeSpan.FromSeconds(5));
            JsonObject reply = await c.CommandAsync("ping").WaitAsync(TimeSpan.FromSeconds(5));
            return (string?)reply["status"] == "OK" ? sw.Elapsed : null;
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or System.Net.Sockets.SocketException or ControlClientException)
        {
            return null;
        }
    }

    [Test]
    public async Task The_largest_allowed_config_answers_and_stops_in_time_and_a_huge_one_is_refused_at_reload()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            string capture = new PcapBuilder().Add(TestFrames.FrameA, 1_700_000_000_000_000_000).Add(TestFrames.FrameA, 1_700_000_001_000_000_000).WriteTo(Path.Combine(dir, "in.pcap"));
            string socket = Path.Combine(dir, "ctl.sock");
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, Config(dir, socket, capture, 1024));
            using DaemonProcess daemon = DaemonProcess.Start($"run -c {configPath}");
            Assert.That(daemon.WaitForLine("t1023: running", 90_000), Is.True, "every task starts: " + string.Join('\n', daemon.Lines.TakeLast(5)));

            var times = new List<TimeSpan>();
            for (int i = 0; i < 5; i++)
            {
                TimeSpan? t = await Ping(socket);
                Assert.That(t, Is.Not.Null, $"ping {i} answered within 5 s with 1024 tasks running");
                times.Add(t!.Value);
            }

            TestContext.Out.WriteLine($"ping with 1024 tasks: {string.Join(", ", times.Select(t => $"{t.TotalMilliseconds:F0} ms"))}; load {File.ReadAllText("/proc/loadavg").Trim()}");

            // 20,000 tasks: refused before a single one is read; the running configuration stays.
            File.WriteAllText(configPath, Config(dir, socket, capture, 20_000));
            var reload = Stopwatch.StartNew();
            daemon.Signal(1);
            Assert.That(daemon.WaitForLine("20000 tasks, more than max_tasks (1024)", 15_000), Is.True, daemon.Output[^Math.Min(2000, daemon.Output.Length)..]);
            Assert.That(daemon.WaitForLine("the running configuration is unchanged", 5_000), Is.True);
            TestContext.Out.WriteLine($"reload refused in {reload.ElapsedMilliseconds} ms");
            Assert.That(await Ping(socket), Is.Not.Null, "still answering after the refused reload");

            // A reload storm: 30 SIGHUPs back to back, the file switching between two speeds, so
            // that a reload may rebuild all 1024 tasks while the next signals arrive.
            int before = daemon.Lines.Count;
            for (int i = 0; i < 30; i++)
            {
                string next = configPath + ".next";
                File.WriteAllText(next, Config(dir, socket, capture, 1024, speed: 1 + (i % 2)));
                File.Move(next, configPath, overwrite: true);
                daemon.Signal(1);
                Thread.Sleep(10); // a storm, not a burst the kernel merges into one signal
            }

            var afterStorm = new List<TimeSpan>();
            for (int i = 0; i < 3; i++)
            {
                TimeSpan? t = await Ping(socket);
                Assert.That(t, Is.Not.Null, $"ping {i} answered within 5 s after 30 reloads");
                afterStorm.Add(t!.Value);
            }

            Assert.That(daemon.WaitForLine("reload complete: 0 unchanged, 1024 rebuilt", 10_000), Is.True, "a reload of the storm rebuilt every task");
            string[] storm = daemon.Lines.Skip(before).ToArray();
            TestContext.Out.WriteLine($"ping after the reload storm: {string.Join(", ", afterStorm.Select(t => $"{t.TotalMilliseconds:F0} ms"))}; {storm.Count(l => l.Contains("reload complete", StringComparison.Ordinal))} reloads applied");
            Assert.That(storm.Where(l => l.Contains("reload failed", StringComparison.Ordinal)), Is.Empty);

            var stop = Stopwatch.StartNew();
            daemon.Signal(15);
            Assert.That(daemon.WaitForExit(3_000), Is.EqualTo(0), "SIGTERM stops 1024 tasks within the promised 3 s, exit 0");
            TestContext.Out.WriteLine($"stopped in {stop.ElapsedMilliseconds} ms");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// The largest <c>pipeline</c> configuration the default limits allow (341 tasks × 1 output, 1,023
    /// packet threads): while its tasks start, the control socket answers and SIGTERM stops the
    /// daemon in order within its 3 s. Before the start gate and the thread bound, 700 such tasks
    /// (allowed then) left ping unanswered and SIGTERM without effect for more than 20 s.
    /// </summary>
    [Test]
    public async Task The_largest_default_pipeline_config_answers_and_stops_in_time_while_it_starts()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            string capture = new PcapBuilder().Add(TestFrames.FrameA, 1_700_000_000_000_000_000).Add(TestFrames.FrameA, 1_700_000_001_000_000_000).WriteTo(Path.Combine(dir, "in.pcap"));
            string socket = Path.Combine(dir, "ctl.sock");
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, Config(dir, socket, capture, 341, "pipeline"));
            using DaemonProcess daemon = DaemonProcess.Start($"run -c {configPath}");
            Assert.That(daemon.WaitForLine("control socket listening", 30_000), Is.True, daemon.Output);
            TimeSpan? ping = await Ping(socket);
            int running = daemon.Lines.Count(l => l.Contains(": running (file", StringComparison.Ordinal));
            TestContext.Out.WriteLine($"ping {ping?.TotalMilliseconds:F0} ms with {running} of 341 tasks running; load {File.ReadAllText("/proc/loadavg").Trim()}");
            Assert.That(ping, Is.Not.Null, "ping is answered while the tasks start");
            var stop = Stopwatch.StartNew();
            daemon.Signal(15);
            int? code = daemon.WaitForExit(10_000);
            TestContext.Out.WriteLine($"exit {code} {stop.ElapsedMilliseconds} ms after SIGTERM");
            Assert.That(code, Is.EqualTo(0), "SIGTERM stops the daemon in order: " + string.Join('\n', daemon.Lines.TakeLast(5)));
            Assert.That(daemon.Output, Does.Contain("stopped in"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
