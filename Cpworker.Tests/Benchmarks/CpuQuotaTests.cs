using System.Diagnostics;
using Cpworker.Benchmarks.Compare;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Benchmarks;

/// <summary><c>compare --live-cpu-quota</c>: the cgroup really limits a capturing process, and goes away afterwards.</summary>
[Category(TestCategories.Root)]
public sealed class CpuQuotaTests
{
    [Test]
    public void A_busy_process_gets_its_quota_and_no_more_and_the_group_is_removed()
    {
        using Process busy = Run.Start("sh", "-c \"while :; do :; done\"");
        string? directory = null;
        try
        {
            double before;
            var wall = Stopwatch.StartNew();
            using (CpuQuota quota = CpuQuota.Apply(5, busy.Id))
            {
                directory = File.ReadAllLines($"/proc/{busy.Id}/cgroup").Select(l => l.Split(':')[2]).First(p => p.Contains("cpw-live-", StringComparison.Ordinal));
                before = CpuSeconds(busy.Id);
                wall.Restart();
                Thread.Sleep(2000); // bounded: the measurement window itself
                double used = CpuSeconds(busy.Id) - before;
                double share = used / wall.Elapsed.TotalSeconds;
                TestContext.Out.WriteLine($"cgroup {directory}: {used:F2} CPU-s in {wall.Elapsed.TotalSeconds:F2} s ({share * 100:F0} %), throttled {quota.Throttled()} periods");
                Assert.That(share, Is.LessThan(0.12), "a 5 % quota let the loop run freely");
                Assert.That(quota.Throttled(), Is.GreaterThan(0));
                busy.Kill();
                busy.WaitForExit(5000);
            }

            Assert.That(Directory.Exists($"/sys/fs/cgroup/cpu{directory}") || Directory.Exists($"/sys/fs/cgroup{directory}"), Is.False, "the cgroup outlived the trial");
        }
        finally
        {
            if (!busy.HasExited)
            {
                busy.Kill();
            }
        }
    }

    [Test]
    public void The_option_takes_a_share_of_one_cpu()
    {
        Assert.That(CompareOptions.Parse(["--live", "--live-cpu-quota", "15"]).LiveCpuQuotaPercent, Is.EqualTo(15));
        Assert.That(() => CompareOptions.Parse(["--live-cpu-quota", "0"]), Throws.ArgumentException.With.Message.Contains("--live-cpu-quota"));
        Assert.That(CompareOptions.Parse(["--live-readers", "auto,libpcap"]).LiveReaders, Is.EqualTo(new[] { "auto", "libpcap" }));
    }

    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(f[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
    }
}
