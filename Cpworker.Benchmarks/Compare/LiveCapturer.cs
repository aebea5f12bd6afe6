using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// Starts a live trial's capturing subject on the veth's host end and, after the traffic, stops it
/// and reads what it captured and dropped: cpworker from its DEBUG <c>run finished</c> line, tcpdump
/// and dumpcap from the statistics they print when interrupted.
/// </summary>
internal sealed partial class LiveCapturer : IDisposable
{
    private readonly DaemonChild _child;
    private readonly LiveSubject _subject;

    /// <summary>The subject's CPU cgroup under <c>--live-cpu-quota</c>; null without.</summary>
    private CpuQuota? _quota;

    /// <summary>The subject's CPU seconds when it was put under the quota.</summary>
    private double _cpuAtLimit;

    private LiveCapturer(DaemonChild child, LiveSubject subject)
    {
        _child = child;
        _subject = subject;
    }

    /// <summary>What a stopped subject reported.</summary>
    /// <remarks>cpworker's CPU and RSS come from its run-finished line (the run only, without start-up); the tools' CPU from <c>/proc</c>.</remarks>
    public sealed record Counts(long Captured, long KernelDrops, long ErrorDrops, double CpuSeconds, string? Error, long PeakRssKb = -1);

    /// <summary>Starts <paramref name="subject"/> and waits until it captures; null with <paramref name="error"/> when it did not start.</summary>
    public static LiveCapturer? Start(LiveSubject subject, CompareOptions options, BenchNetns ns, string work, out string? error)
    {
        foreach (string f in Directory.EnumerateFileSystemEntries(work))
        {
            if (Directory.Exists(f))
            {
                Directory.Delete(f, recursive: true);
            }
            else
            {
                File.Delete(f);
            }
        }

        string sink = subject.Output == "null" ? "/dev/null" : Path.Combine(work, "live.pcap");
        (DaemonChild child, string ready) = subject.Tool switch
        {
            "tcpdump" => (DaemonChild.StartTool("tcpdump", ["-i", ns.HostVeth, "-n", "-s", "2048", "-B", (subject.BufferMb * 1024).ToString(CultureInfo.InvariantCulture), "-w", sink]), "listening on"),
            "dumpcap" => (DaemonChild.StartTool("dumpcap", ["-i", ns.HostVeth, "-s", "2048", "-B", subject.BufferMb.ToString(CultureInfo.InvariantCulture), "-w", sink]), "Capturing on"),
            _ => (DaemonChild.Start(options.Daemon, WriteConfig(subject, options, ns, work)), "running"),
        };
        var capturer = new LiveCapturer(child, subject);
        if (!child.WaitForLine(ready, TimeSpan.FromSeconds(30)))
        {
            error = $"{subject.Label} did not start: " + string.Join(" | ", child.Lines.TakeLast(5));
            capturer.Dispose();
            return null;
        }

        error = null;
        return capturer;
    }

    /// <summary>
    /// <c>--live-cpu-quota</c>: moves the subject into its CPU cgroup (see <see cref="CpuQuota"/>);
    /// from now on its CPU is counted from here. Null, or why it failed.
    /// </summary>
    public string? Limit(double percent)
    {
        try
        {
            _quota = CpuQuota.Apply(percent, _child.Pid);
            _cpuAtLimit = _child.CpuSeconds();
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"cannot limit {_subject.Label} to {percent} % of a CPU: {ex.Message}";
        }
    }

    /// <summary>Lets the buffers drain for a second, stops the subject and reads its counts.</summary>
    /// <remarks>Under a quota, every subject's CPU is its <c>/proc</c> time since <see cref="Limit"/> (the trial alone, start-up and warm-up excluded).</remarks>
    public Counts Stop()
    {
        Thread.Sleep(1000); // what the kernel buffer still holds reaches the subject
        double cpu = _child.CpuSeconds();
        double? limitedCpu = _quota is null ? null : cpu - _cpuAtLimit;

        // Shutting down is not what the quota measures: at 1 % of a CPU the daemon's orderly stop
        // would outlast its own deadline. Every subject is released before it is signalled.
        _quota?.Dispose();
        _quota = null;
        int? code = _child.Stop(TimeSpan.FromSeconds(15), _subject.Tool == "cpworker" ? 15 : 2);
        string output = string.Join('\n', _child.Lines);
        if (code is null)
        {
            return new Counts(0, 0, 0, cpu, $"{_subject.Label} did not stop: {Tail(output)}");
        }

        switch (_subject.Tool)
        {
            case "tcpdump":
                Match captured = TcpdumpCaptured().Match(output), dropped = TcpdumpDropped().Match(output);
                return captured.Success && dropped.Success
                    ? new Counts(L(captured, "n"), L(dropped, "n"), 0, limitedCpu ?? cpu, null)
                    : new Counts(0, 0, 0, cpu, $"tcpdump exited {code} without statistics: {Tail(output)}");
            case "dumpcap":
                Match d = DumpcapStats().Match(output), c = DumpcapCaptured().Match(output);
                return d.Success && c.Success
                    ? new Counts(L(c, "n"), L(d, "drop"), 0, limitedCpu ?? cpu, null)
                    : new Counts(0, 0, 0, cpu, $"dumpcap exited {code} without statistics: {Tail(output)}");
            default:
                RunResult? r = DaemonRunner.ParseFinished(_child.Lines, new RunResult { Subject = "cpworker", Output = _subject.Output, Model = _subject.Model! });
                return code == 0 && r is not null
                    ? new Counts(r.Packets, r.KernelDrops, r.ErrorDrops, limitedCpu ?? r.CpuSeconds, null, r.PeakRssKb)
                    : new Counts(0, 0, 0, cpu, $"the daemon exited {code}: {Tail(output)}");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _child.Dispose();
        _quota?.Dispose();
    }

    private static string WriteConfig(LiveSubject s, CompareOptions options, BenchNetns ns, string work)
    {
        var output = new JsonObject { ["type"] = s.Output };
        if (s.Output == "rotating_file")
        {
            string fileRoot = Directory.CreateDirectory(Path.Combine(work, "files")).FullName;
            output["rotating_file"] = new JsonObject { ["file_root"] = fileRoot, ["max_file_interval"] = 60 };
        }

        var libpcap = new JsonObject
        {
            ["interface"] = ns.HostVeth,
            ["buffer_size_mb"] = s.BufferMb,
            ["snaplen"] = 2048,
            ["threads"] = s.Threads,
            ["reader"] = s.Reader,
        };
        libpcap["timeout_ms"] = s.TimeoutMs;

        var root = new JsonObject
        {
            ["log_level"] = "DEBUG",
            ["execution_model"] = s.Model,
            ["pipeline"] = new JsonObject { ["buffer_size_mb"] = options.PipelineMb },
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["name"] = "live",
                ["capturer"] = new JsonObject { ["type"] = "libpcap", ["libpcap"] = libpcap },
                ["outputs"] = new JsonArray(output),
            }),
        };
        if (options.LiveCpuAffinity is not null)
        {
            root["cpu_affinity"] = options.LiveCpuAffinity;
        }

        string path = Path.Combine(work, "..", $"live-{s.Model}-{s.BufferMb}-{s.Output}-{s.Threads}-{s.TimeoutMs}-{s.Reader}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static long L(Match m, string group) => long.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);

    private static string Tail(string output) => output.Length > 400 ? output[^400..] : output;

    [GeneratedRegex(@"(?<n>\d+) packets captured")]
    private static partial Regex TcpdumpCaptured();

    [GeneratedRegex(@"(?<n>\d+) packets dropped by kernel")]
    private static partial Regex TcpdumpDropped();

    [GeneratedRegex(@"Packets captured: (?<n>\d+)")]
    private static partial Regex DumpcapCaptured();

    [GeneratedRegex(@"Packets received/dropped on interface '[^']*': (?<recv>\d+)/(?<drop>\d+)")]
    private static partial Regex DumpcapStats();
}
