using System.Text.RegularExpressions;
using Cpworker.Tests.Control;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// A reload never holds two capture buffers of the same task (docs/operations.md, "Memory"): the
/// kernel ring of a live capture is mapped into the process (<c>socket:[inode]</c> in
/// <c>/proc/PID/maps</c>); while a task is rebuilt again and again, the daemon never maps more
/// than one ring.
/// </summary>
[CancelAfter(120_000)]
[NonParallelizable]
public class ReloadMemoryTests
{
    /// <summary>Bytes of packet-socket rings mapped into <paramref name="pid"/>, and how many.</summary>
    private static (long Bytes, int Rings) Rings(int pid)
    {
        long bytes = 0;
        int rings = 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/maps"))
            {
                Match m = Regex.Match(line, @"^([0-9a-f]+)-([0-9a-f]+) rw-s .*socket:\[\d+\]");
                if (m.Success)
                {
                    bytes += Convert.ToInt64(m.Groups[2].Value, 16) - Convert.ToInt64(m.Groups[1].Value, 16);
                    rings++;
                }
            }
        }
        catch (IOException)
        {
            // the process is gone
        }

        return (bytes, rings);
    }

    private static long StatusKb(int pid, string field) =>
        long.Parse(Regex.Match(File.ReadAllText($"/proc/{pid}/status"), $@"{field}:\s+(\d+) kB").Groups[1].Value);

    /// <summary>Both readers: libpcap's ring (<c>timeout_ms</c> 0, immediate mode) and cpworker's own (<c>timeout_ms</c> above 0).</summary>
    [TestCase(0, TestName = "Rebuilding_a_live_task_by_reload_never_maps_two_rings(libpcap reader)")]
    [TestCase(10, TestName = "Rebuilding_a_live_task_by_reload_never_maps_two_rings(ring reader)")]
    public void Rebuilding_a_live_task_by_reload_never_maps_two_rings(int timeoutMs)
    {
        using var ns = new TestNetns();
        string dir = ControlFixture.NewDirectory();
        try
        {
            string socket = Path.Combine(dir, "ctl.sock");
            string config = Path.Combine(dir, "c.json");
            string Config(int slice) =>
                $"{{\"control\":{{\"type\":\"unix\",\"unix\":{{\"path\":\"{socket}\"}}}},\"tasks\":[{{\"name\":\"veth\",\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"{ns.HostVeth}\",\"buffer_size_mb\":64,\"timeout_ms\":{timeoutMs}}}}},\"outputs\":[{{\"type\":\"null\",\"slice\":{slice}}}]}}]}}";
            File.WriteAllText(config, Config(0));
            using DaemonProcess d = DaemonProcess.Start($"run -c \"{config}\"", dir);
            Assert.That(d.WaitForLine("veth: running", 30_000), Is.True, d.Output);
            (long oneRing, int count) = Rings(d.Pid);
            Assert.That(count, Is.EqualTo(1), "one live task, one ring");
            long peakBefore = Math.Max(StatusKb(d.Pid, "VmHWM"), StatusKb(d.Pid, "VmRSS"));
            TestContext.Out.WriteLine($"buffer_size_mb 64 on a veth (MTU 1500), timeout_ms {timeoutMs}: ring {oneRing / 1048576.0:F1} MiB mapped; VmRSS {StatusKb(d.Pid, "VmRSS") / 1024} MiB, VmHWM {peakBefore / 1024} MiB");

            // Sample the mappings all the time the reloads run.
            int most = 0;
            using var sampling = new CancellationTokenSource();
            Task sampler = Task.Run(() =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    most = Math.Max(most, Rings(d.Pid).Rings);
                }
            });
            for (int i = 1; i <= 4; i++)
            {
                File.WriteAllText(config, Config(100 + i));
                var stdout = new StringWriter();
                int code = Cpworker.Host.Cli.CommandLine.Run(["ctl", "--socket", socket, "reload"], stdout, stdout);
                Assert.That(code, Is.Zero, stdout.ToString());
                Assert.That(stdout.ToString(), Does.Contain("1 rebuilt (veth)"));
                Assert.That(Run.Until(() => d.Lines.Count(l => l.Contains("veth: running", StringComparison.Ordinal)) == i + 1, 20_000), Is.True, d.Output);
            }

            sampling.Cancel();
            sampler.Wait(10_000);
            (long after, int countAfter) = Rings(d.Pid);
            TestContext.Out.WriteLine($"after 4 reloads: {countAfter} ring(s), {after / 1048576.0:F1} MiB; most rings mapped at once during the reloads: {most}; VmRSS {StatusKb(d.Pid, "VmRSS") / 1024} MiB, VmHWM {StatusKb(d.Pid, "VmHWM") / 1024} MiB");
            Assert.That(most, Is.EqualTo(1), "the old ring is unmapped before the new one is made");

            // The sampler can miss a short overlap; the kernel's high-water mark of RSS cannot.
            // Two rings at once, even for an instant, would raise it by a whole ring.
            long peakAfter = StatusKb(d.Pid, "VmHWM");
            Assert.That(peakAfter - peakBefore, Is.LessThan(oneRing / 1024 / 2), $"peak RSS grew from {peakBefore / 1024} to {peakAfter / 1024} MiB through the reloads: two rings were held at once");
            Assert.That((after, countAfter), Is.EqualTo((oneRing, 1)));
            d.Signal(15);
            Assert.That(d.WaitForExit(10_000), Is.Zero, d.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
