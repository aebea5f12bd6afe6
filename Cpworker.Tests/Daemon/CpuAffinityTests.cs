using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary><c>cpu_affinity</c>: the whole process is confined, each packet thread pinned to one CPU in order.</summary>
public class CpuAffinityTests : DaemonTestBase
{
    [Test]
    public void Every_thread_runs_on_the_listed_cpu_and_packet_threads_are_pinned_in_order()
    {
        int[] cpus = OnlineCpus();
        Assume.That(cpus, Has.Length.GreaterThanOrEqualTo(2), "needs two CPUs");
        string input = WriteCapture(200_000, spacingNanos: 1_000_000); // 200 s at its own pace: threads stay up
        string config = WriteConfig(new
        {
            cpu_affinity = $"{cpus[1]},{cpus[0]}",
            execution_model = "pipeline",
            pipeline = new { buffer_size_mb = 4 },
            tasks = new[]
            {
                new
                {
                    name = "t",
                    capturer = new { type = "pcap_file", pcap_file = new { file_name = input, speed = 1 } },
                    outputs = new object[] { new { type = "null" } },
                },
            },
        });

        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
        Dictionary<string, string>? threads = null;
        Assert.That(Run.Until(() => (threads = Threads(daemon.Pid)).ContainsKey("cpw-t-send0"), 10_000), Is.True, daemon.Output);

        // Packet threads in the order they start: capture, encap, send0 → the list's CPUs in turn.
        Assert.That(threads!["cpw-t-capture"], Is.EqualTo(cpus[1].ToString()));
        Assert.That(threads["cpw-t-encap"], Is.EqualTo(cpus[0].ToString()));
        Assert.That(threads["cpw-t-send0"], Is.EqualTo(cpus[1].ToString()));
        string allowed = $"{cpus[0]},{cpus[1]}";
        foreach ((string name, string list) in threads)
        {
            Assert.That(Expand(list).All(c => c == cpus[0] || c == cpus[1]), Is.True, $"thread {name} may run on {list}, outside {allowed}");
        }

        daemon.Signal(15);
        Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);
    }

    [Test]
    public void A_single_cpu_confines_every_thread_of_the_process()
    {
        int cpu = OnlineCpus()[^1];
        string input = WriteCapture(100_000, spacingNanos: 1_000_000);
        string config = WriteConfig(new
        {
            cpu_affinity = cpu.ToString(),
            tasks = new[] { new { name = "t", capturer = new { type = "pcap_file", pcap_file = new { file_name = input, speed = 1 } }, outputs = new object[] { new { type = "null" } } } },
        });
        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
        Dictionary<string, string> threads = Threads(daemon.Pid);
        Assert.That(threads, Does.ContainKey("cpw-t-rtc"));
        Assert.That(threads.Values, Is.All.EqualTo(cpu.ToString()), string.Join(", ", threads.Select(t => $"{t.Key}={t.Value}")));
        daemon.Signal(15);
        Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);
    }

    /// <summary>Thread name → Cpus_allowed_list, for every thread of <paramref name="pid"/> (names are unique enough for packet threads).</summary>
    private static Dictionary<string, string> Threads(int pid)
    {
        var result = new Dictionary<string, string>();
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                string? list = File.ReadLines(Path.Combine(task, "status")).FirstOrDefault(l => l.StartsWith("Cpus_allowed_list:", StringComparison.Ordinal));
                if (list is not null)
                {
                    result[result.ContainsKey(name) ? $"{name}#{Path.GetFileName(task)}" : name] = list.Split(':')[1].Trim();
                }
            }
            catch (IOException)
            {
                // The thread ended meanwhile.
            }
        }

        return result;
    }

    private static int[] OnlineCpus() => Expand(File.ReadAllText("/sys/devices/system/cpu/online").Trim()).ToArray();

    private static IEnumerable<int> Expand(string list) => list.Split(',').SelectMany(part =>
    {
        string[] range = part.Split('-');
        int from = int.Parse(range[0]);
        int to = range.Length > 1 ? int.Parse(range[1]) : from;
        return Enumerable.Range(from, to - from + 1);
    });
}
