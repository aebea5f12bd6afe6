using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Cpworker.Benchmarks.Compare;
using Cpworker.Benchmarks.Generation;

namespace Cpworker.Benchmarks.Soak;

/// <summary>
/// <c>soak</c>: the real daemon under steady live traffic for a long time, watched for growth. A test
/// namespace sends a small deterministic capture in a loop (tcpreplay, a fixed low rate, bounded by
/// <c>--duration</c>) into a veth; the daemon captures the other end into rotating files (a file a
/// minute, the last 5 kept) and a VXLAN tunnel to a loopback receiver of ours, and is reloaded now
/// and then. Every sample reads RSS, threads and fds from /proc and the counters over the control
/// socket. The run ends by itself and removes everything it made, also on Ctrl-C or SIGTERM.
/// </summary>
internal static partial class SoakCommand
{
    private const int CapturePackets = 2_000;

    /// <summary>Runs the soak; 0 when the daemon lived and stopped cleanly and no counter went backwards.</summary>
    public static int Run(string[] args, TextWriter log)
    {
        SoakOptions options;
        try
        {
            options = SoakOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            log.WriteLine($"soak: {e.Message}\n{SoakOptions.Usage}");
            return 2;
        }

        if (!File.Exists(options.Daemon))
        {
            log.WriteLine($"soak: the daemon {options.Daemon} does not exist (build it, or give --daemon)");
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; cancel.Cancel(); });
        string work = Directory.CreateTempSubdirectory("cpw-soak-").FullName;
        try
        {
            return Soak(options, work, log, cancel.Token);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static int Soak(SoakOptions options, string work, TextWriter log, CancellationToken cancel)
    {
        string capture = Path.Combine(work, "soak.pcap");
        MixedCaptureGenerator.Write(capture, CapturePackets);
        using var ns = new BenchNetns();
        using var receiver = new UdpDrain(0);
        string socketPath = Path.Combine(work, "ctl.sock");
        string root = Path.Combine(work, "files");
        Directory.CreateDirectory(root);
        string config = WriteConfig(options, ns, receiver.Port, socketPath, root, work);
        log.WriteLine($"soak: {options.Minutes} min at {options.PacketsPerSecond} pkt/s, {options.Model}, daemon {options.Daemon}; load {CompareCommand.LoadAverage()}");

        using DaemonChild daemon = DaemonChild.Start(options.Daemon, config);
        if (!daemon.WaitForLine("running", TimeSpan.FromSeconds(30)))
        {
            log.WriteLine("soak: the daemon did not start: " + string.Join(" | ", daemon.Lines.TakeLast(5)));
            return 1;
        }

        int seconds = (int)Math.Ceiling(options.Minutes * 60);
        using Process replay = StartReplay(ns, options.PacketsPerSecond, seconds, capture);
        var samples = new List<SoakSample>();
        var problems = new List<string>();
        var clock = Stopwatch.StartNew();
        TimeSpan end = TimeSpan.FromSeconds(seconds);
        TimeSpan nextReload = options.ReloadMinutes > 0 ? TimeSpan.FromMinutes(options.ReloadMinutes) : TimeSpan.MaxValue;
        int reloads = 0;
        while (!cancel.IsCancellationRequested)
        {
            SoakSample s = Sample(daemon.Pid, socketPath, receiver, root, clock.Elapsed);
            CheckMonotonic(samples.LastOrDefault(), s, problems);
            samples.Add(s);
            log.WriteLine(SoakReport.Row(s));
            if (s.RssKb < 0)
            {
                problems.Add($"{s.Minutes:F1} min: the daemon is gone");
                break;
            }

            if (s.Captured < 0)
            {
                problems.Add($"{s.Minutes:F1} min: the control socket did not answer collect_stats_summary within 5 s (load {CompareCommand.LoadAverage()})");
            }

            if (clock.Elapsed >= end)
            {
                break;
            }

            if (clock.Elapsed >= nextReload)
            {
                if (Kill(daemon.Pid, 1) == 0)
                {
                    reloads++;
                }

                nextReload += TimeSpan.FromMinutes(options.ReloadMinutes);
            }

            TimeSpan wait = TimeSpan.FromSeconds(options.SampleSeconds);
            cancel.WaitHandle.WaitOne(wait < end - clock.Elapsed ? wait : end - clock.Elapsed + TimeSpan.FromMilliseconds(50));
        }

        StopReplay(replay);
        int? exit = daemon.Stop(TimeSpan.FromSeconds(15));
        if (exit != 0)
        {
            problems.Add($"the daemon exited {(exit is null ? "not at all within 15 s of SIGTERM" : exit)}");
        }

        problems.AddRange(daemon.Lines.Where(l => l.Contains("reload failed", StringComparison.Ordinal)).Take(5));
        string[] warnings = daemon.Lines.Where(l => l.Contains(" WARN ", StringComparison.Ordinal) || l.Contains(" ERROR ", StringComparison.Ordinal)).ToArray();
        string load = CompareCommand.LoadAverage();
        Directory.CreateDirectory(options.OutputDirectory);
        var report = new SoakReport(options, samples, problems, reloads, load) { DaemonWarnings = warnings };
        report.Write(options.OutputDirectory);
        log.WriteLine();
        log.WriteLine(report.Markdown());
        log.WriteLine($"soak: report in {options.OutputDirectory} (soak.md, soak.csv, soak.svg)");
        return problems.Count == 0 && !cancel.IsCancellationRequested ? 0 : 1;
    }

    private static SoakSample Sample(int pid, string socketPath, UdpDrain receiver, string root, TimeSpan elapsed)
    {
        (long rss, int threads) = ProcessProbe.Status(pid);
        int fds = ProcessProbe.Fds(pid);
        JsonObject? summary = ProcessProbe.Summary(socketPath);
        int files = Directory.Exists(root) ? Directory.EnumerateFiles(root, "*.pcap", SearchOption.AllDirectories).Count() : 0;
        return new SoakSample(
            elapsed.TotalMinutes,
            rss,
            threads,
            fds,
            ProcessProbe.Packets(summary, "capture", "cap_packets"),
            ProcessProbe.Packets(summary, "output", "fwd_packets"),
            ProcessProbe.Packets(summary, "output", "error_drop_packets"),
            ProcessProbe.Packets(summary, "capture", "drop_packets"),
            receiver.Received,
            files);
    }

    /// <summary>Published counters only grow (docs/operations.md); a decrease is a problem of the run.</summary>
    private static void CheckMonotonic(SoakSample? before, SoakSample now, List<string> problems)
    {
        if (before is null || now.Captured < 0 || before.Captured < 0)
        {
            return;
        }

        foreach ((string name, long a, long b) in new[] { ("captured", before.Captured, now.Captured), ("forwarded", before.Forwarded, now.Forwarded), ("error drops", before.ErrorDrops, now.ErrorDrops) })
        {
            if (b < a)
            {
                problems.Add($"{now.Minutes:F1} min: {name} went backwards, {a} → {b}");
            }
        }
    }

    private static Process StartReplay(BenchNetns ns, int pps, int seconds, string capture)
    {
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "netns", "exec", ns.Name, "tcpreplay", "-q", "-i", ns.NsVeth, "-K", "--loop=0", $"--pps={pps}", $"--duration={seconds}", capture })
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start tcpreplay");
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static void StopReplay(Process replay)
    {
        if (!replay.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            replay.Kill(entireProcessTree: true);
            replay.WaitForExit(5000);
        }
    }

    private static string WriteConfig(SoakOptions options, BenchNetns ns, int port, string socketPath, string root, string work)
    {
        var config = new JsonObject
        {
            ["log_level"] = "INFO",
            ["execution_model"] = options.Model,
            ["pipeline"] = new JsonObject { ["buffer_size_mb"] = 16 },
            ["control"] = new JsonObject { ["type"] = "unix", ["unix"] = new JsonObject { ["path"] = socketPath } },
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["name"] = "soak",
                ["capturer"] = new JsonObject
                {
                    ["type"] = "libpcap",
                    ["libpcap"] = new JsonObject { ["interface"] = ns.HostVeth, ["buffer_size_mb"] = 8 },
                },
                ["outputs"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "rotating_file",
                        ["rotating_file"] = new JsonObject { ["file_root"] = root, ["max_file_interval"] = options.RotateSeconds, ["max_files"] = 5 },
                    },
                    new JsonObject
                    {
                        ["type"] = "vxlan",
                        ["vxlan"] = new JsonObject { ["host"] = "127.0.0.1", ["port"] = port, ["vni1"] = 33 },
                    }),
            }),
        };
        string path = Path.Combine(work, "soak.json");
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
