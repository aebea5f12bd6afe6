using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// <c>compare --live</c>: the daemon captures on one end of a veth pair while <c>tcpreplay</c>
/// sends the capture into the other end from inside a test namespace, first at top speed, then at
/// stepped rates below it until one loses nothing. For each model and capture buffer it reports the
/// highest rate with zero kernel drops. Drops and captured packets come from the daemon's own
/// counters (its <c>run finished</c> line at stop).
/// </summary>
internal static partial class LiveCompare
{
    /// <summary>Fractions of the top speed tried when the top speed loses packets.</summary>
    private static readonly JsonSerializerOptions s_reportJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly double[] s_steps = [0.9, 0.75, 0.6, 0.5, 0.35, 0.25];

    /// <summary>Runs the live comparison.</summary>
    public static int Run(CompareOptions options, TextWriter log)
    {
        CaptureInfo capture = CaptureInfo.Resolve(options.Capture, options.Packets, options.CacheDirectory, log);
        log.WriteLine($"capture: {capture.Path}: {capture.Packets} packets; load {CompareCommand.LoadAverage()}");
        string work = Directory.CreateTempSubdirectory("cpw-live-").FullName;
        var trials = new List<LiveTrial>();
        try
        {
            using var ns = new BenchNetns();
            foreach (int buffer in options.LiveBuffersMb)
            {
                foreach (string model in options.Models)
                {
                    LiveTrial top = Trial(options, ns, capture, work, model, buffer, 0, log);
                    trials.Add(top);
                    if (top.ZeroLoss || top.Error is not null)
                    {
                        continue;
                    }

                    IEnumerable<int> rates = options.LiveRates.Count > 0
                        ? options.LiveRates.OrderDescending()
                        : s_steps.Select(f => (int)(top.AchievedPps * f));
                    foreach (int rate in rates)
                    {
                        LiveTrial t = Trial(options, ns, capture, work, model, buffer, rate, log);
                        trials.Add(t);
                        if (t.ZeroLoss)
                        {
                            break;
                        }
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        Directory.CreateDirectory(options.OutputDirectory);
        string table = Table(trials);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "live.md"), table);
        File.WriteAllText(
            Path.Combine(options.OutputDirectory, "live.json"),
            JsonSerializer.Serialize(trials, s_reportJson));
        log.WriteLine();
        log.WriteLine(table);
        log.WriteLine($"load {CompareCommand.LoadAverage()}; report in {options.OutputDirectory} (live.md, live.json)");
        return trials.Any(t => t.Error is not null) ? 1 : 0;
    }

    private static LiveTrial Trial(CompareOptions options, BenchNetns ns, CaptureInfo capture, string work, string model, int bufferMb, int pps, TextWriter log)
    {
        var trial = new LiveTrial { Model = model, BufferMb = bufferMb, RequestedPps = pps };
        string config = WriteConfig(options, ns, work, model, bufferMb);
        using DaemonChild daemon = DaemonChild.Start(options.Daemon, config);
        if (!daemon.WaitForLine("running", TimeSpan.FromSeconds(30)))
        {
            return Logged(log, trial with { Error = "the daemon did not start: " + string.Join(" | ", daemon.Lines.TakeLast(5)) });
        }

        string[] replay = ["netns", "exec", ns.Name, "tcpreplay", "-i", ns.NsVeth, "-K", pps > 0 ? $"--pps={pps}" : "--topspeed", capture.Path];
        ChildProcess p = ChildProcess.Run("ip", replay, TimeSpan.FromSeconds(60 + capture.Packets / Math.Max(1000.0, pps)));
        Match rated = RatedLine().Match(p.Output);
        Match sent = SuccessfulLine().Match(p.Output);
        if (p.ExitCode != 0 || !rated.Success || !sent.Success)
        {
            return Logged(log, trial with { Error = $"tcpreplay exited {p.ExitCode}: {p.Output}" });
        }

        Thread.Sleep(1000); // what the kernel buffer still holds reaches the daemon; then stop it
        int? code = daemon.Stop(TimeSpan.FromSeconds(10));
        RunResult? r = DaemonRunner.ParseFinished(daemon.Lines, new RunResult { Subject = "cpworker", Output = options.LiveOutput, Model = model });
        if (code != 0 || r is null)
        {
            return Logged(log, trial with { Error = $"the daemon exited {code}: " + string.Join(" | ", daemon.Lines.TakeLast(5)) });
        }

        return Logged(log, trial with
        {
            AchievedPps = double.Parse(rated.Groups["pps"].Value, CultureInfo.InvariantCulture),
            Sent = long.Parse(sent.Groups["n"].Value, CultureInfo.InvariantCulture),
            Captured = r.Packets,
            KernelDrops = r.KernelDrops,
            ErrorDrops = r.ErrorDrops,
        });
    }

    private static string WriteConfig(CompareOptions options, BenchNetns ns, string work, string model, int bufferMb)
    {
        var output = new JsonObject { ["type"] = options.LiveOutput };
        if (options.LiveOutput == "file")
        {
            output["file"] = new JsonObject { ["name"] = Path.Combine(work, "live.pcap") };
        }

        var root = new JsonObject
        {
            ["log_level"] = "DEBUG",
            ["execution_model"] = model,
            ["pipeline"] = new JsonObject { ["buffer_size_mb"] = options.PipelineMb },
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["name"] = "live",
                ["capturer"] = new JsonObject
                {
                    ["type"] = "libpcap",
                    ["libpcap"] = new JsonObject { ["interface"] = ns.HostVeth, ["buffer_size_mb"] = bufferMb, ["snaplen"] = 2048 },
                },
                ["outputs"] = new JsonArray(output),
            }),
        };
        foreach (string f in Directory.EnumerateFiles(work, "live.pcap*"))
        {
            File.Delete(f);
        }

        string path = Path.Combine(work, $"live-{model}-{bufferMb}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }

    private static LiveTrial Logged(TextWriter log, LiveTrial t)
    {
        log.WriteLine(t.Error is not null
            ? $"{t.Model,-9} buffer {t.BufferMb,4} MB {(t.RequestedPps == 0 ? "top speed" : t.RequestedPps + " pps"),-12}: FAILED: {t.Error}"
            : $"{t.Model,-9} buffer {t.BufferMb,4} MB {(t.RequestedPps == 0 ? "top speed" : t.RequestedPps + " pps"),-12}: sent {t.Sent} at {t.AchievedPps:F0} pps, captured {t.Captured}, kernel drops {t.KernelDrops}, missing {t.Missing}{(t.ZeroLoss ? "  (no loss)" : "")}");
        return t;
    }

    private static string Table(IReadOnlyList<LiveTrial> trials)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | capture buffer | highest rate with zero drops | top speed reached | drops at top speed | trials |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var g in trials.GroupBy(t => (t.Model, t.BufferMb)))
        {
            LiveTrial? best = g.Where(t => t.ZeroLoss).OrderByDescending(t => t.AchievedPps).FirstOrDefault();
            LiveTrial top = g.First();
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Key.Model} | {g.Key.BufferMb} MB | {(best is null ? "none" : ReportWriter.Rate(best.AchievedPps) + "/s" + (best.RequestedPps == 0 ? " (top speed)" : ""))} | {ReportWriter.Rate(top.AchievedPps)}/s | {Math.Max(top.KernelDrops, top.Missing)} | {g.Count()} |");
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"Rated: [\d.]+ Bps, [\d.]+ Mbps, (?<pps>[\d.]+) pps")]
    private static partial Regex RatedLine();

    [GeneratedRegex(@"Successful packets:\s+(?<n>\d+)")]
    private static partial Regex SuccessfulLine();
}
