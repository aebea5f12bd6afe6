using System.Globalization;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A CPU cgroup with a quota (<c>compare --live-cpu-quota</c>): every capturing process of a live
/// trial (cpworker, tcpdump, dumpcap) is moved into its own one, with the same share of one CPU,
/// once it is ready. On a machine too small for the generator to outrun a capture, this makes each
/// capture's zero-loss rate the rate its own CPU per packet allows within the quota — so the ratio
/// between subjects is measurable, and fair: the same quota, period and buffer for all.
/// </summary>
/// <remarks>
/// cgroup v2 (<c>cpu.max</c>) where the unified hierarchy has the cpu controller, else v1
/// (<c>cpu.cfs_quota_us</c>). The group is created under the root and removed on dispose (the
/// process has exited by then; anything left is moved back to the root first). The period is the
/// kernel's default, 100 ms (the smallest quota is 1 ms, so shares down to 1 % are possible): a
/// throttled process is stopped for up to 100 ms − quota, which the kernel buffer must absorb —
/// at 400 k packets/s of the mixed capture that is ~22 MB, well inside a 64 MB buffer.
/// </remarks>
internal sealed class CpuQuota : IDisposable
{
    /// <summary>Quota period, µs.</summary>
    public const int PeriodMicroseconds = 100_000;

    private readonly string _directory;
    private readonly string _root;

    private CpuQuota(string root, string directory)
    {
        _root = root;
        _directory = directory;
    }

    /// <summary>Creates a cgroup limited to <paramref name="percent"/> % of one CPU and moves <paramref name="pid"/> (every thread) into it.</summary>
    public static CpuQuota Apply(double percent, int pid)
    {
        long quota = Math.Max(1000, (long)(PeriodMicroseconds * percent / 100));
        string name = $"cpw-live-{Environment.ProcessId}-{pid}";
        bool v2 = File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Split(' ', '\n').Contains("cpu");
        string root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/cpu";
        if (!v2 && !File.Exists(Path.Combine(root, "cpu.cfs_quota_us")) && !Directory.Exists(root))
        {
            throw new InvalidOperationException("--live-cpu-quota: no cgroup cpu controller (neither /sys/fs/cgroup with cpu in cgroup.controllers nor /sys/fs/cgroup/cpu)");
        }

        string directory = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var group = new CpuQuota(root, directory);
        try
        {
            if (v2)
            {
                File.WriteAllText(Path.Combine(directory, "cpu.max"), $"{quota} {PeriodMicroseconds}");
            }
            else
            {
                File.WriteAllText(Path.Combine(directory, "cpu.cfs_period_us"), PeriodMicroseconds.ToString(CultureInfo.InvariantCulture));
                File.WriteAllText(Path.Combine(directory, "cpu.cfs_quota_us"), quota.ToString(CultureInfo.InvariantCulture));
            }

            File.WriteAllText(Path.Combine(directory, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            return group;
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>Periods in which the group ran out of quota so far (<c>cpu.stat</c> <c>nr_throttled</c>); -1 when unknown.</summary>
    public long Throttled()
    {
        try
        {
            foreach (string line in File.ReadAllLines(Path.Combine(_directory, "cpu.stat")))
            {
                if (line.StartsWith("nr_throttled ", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(13), CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return -1;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            foreach (string pid in File.ReadAllLines(Path.Combine(_directory, "cgroup.procs")))
            {
                File.WriteAllText(Path.Combine(_root, "cgroup.procs"), pid);
            }
        }
        catch (IOException)
        {
            // already gone or not movable: rmdir below reports what is left
        }

        for (int i = 0; i < 50; i++)
        {
            try
            {
                Directory.Delete(_directory);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(20); // the exited process leaves the group a moment later
            }
        }
    }
}
