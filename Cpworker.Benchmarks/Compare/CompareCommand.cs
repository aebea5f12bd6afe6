using System.Text.Json.Nodes;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// <c>compare</c>: replays one capture through the daemon for every chosen output under both
/// models, interleaved (run 1 of every configuration, then run 2 …, the model order alternating),
/// with the baselines measured between them, so that a noisy machine disturbs every configuration
/// alike. Writes the table, <c>compare.json</c> and <c>compare.svg</c>.
/// </summary>
internal static class CompareCommand
{
    /// <summary>Runs the comparison; returns the process exit code (1 when a run failed).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter log)
    {
        CompareOptions options;
        try
        {
            options = CompareOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            log.WriteLine($"compare: {ex.Message}");
            log.WriteLine(CompareOptions.Usage);
            return 2;
        }

        if (options.Help)
        {
            log.WriteLine(CompareOptions.Usage);
            return 0;
        }

        if (!File.Exists(options.Daemon))
        {
            log.WriteLine($"compare: the daemon {options.Daemon} does not exist (build it, or give --daemon)");
            return 2;
        }

        return options.Live ? LiveCompare.Run(options, log) : Replay(options, log);
    }

    /// <summary>The replay comparison; returns the report (also written to disk).</summary>
    internal static ComparisonReport Measure(CompareOptions options, TextWriter log)
    {
        DateTimeOffset started = DateTimeOffset.Now;
        string loadBefore = LoadAverage();
        CaptureInfo capture = CaptureInfo.Resolve(options.Capture, options.Packets, options.CacheDirectory, log);
        log.WriteLine($"capture: {capture.Path}: {capture.Packets} packets, {capture.AverageFrame:F0} bytes on average; load {loadBefore}");
        string work = Directory.CreateTempSubdirectory("cpw-compare-").FullName;
        var results = new List<RunResult>();
        using var receivers = new Receivers(options.Outputs, options.CacheDirectory);
        if (receivers.ZmqKind is { } zmqKind)
        {
            log.WriteLine($"zmq receiver: {zmqKind}");
        }

        try
        {
            var daemon = new DaemonRunner(options, work);
            var baselines = new Baselines(options.CacheDirectory, work);
            for (int run = 1; run <= options.Runs; run++)
            {
                foreach (string output in options.Outputs)
                {
                    IEnumerable<string> models = run % 2 == 1 ? options.Models : options.Models.Reverse();
                    foreach (string model in models)
                    {
                        receivers.Reset();
                        RunResult r = daemon.Run(capture, output, model, Section(output, daemon, receivers), run);
                        r = r with { Received = receivers.Received(output) };
                        results.Add(r);
                        log.WriteLine(Describe(r));
                    }

                    if (options.Baselines && Baselines.SubjectFor(output) is { } subject)
                    {
                        RunResult b = subject == "tcpdump"
                            ? baselines.Tcpdump(capture, run)
                            : baselines.Sendmmsg(capture, output, output == "vxlan" ? receivers.VxlanPort : 0, run);
                        results.Add(b);
                        log.WriteLine(Describe(b));
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        return new ComparisonReport(options, capture, results, started, $"{loadBefore} → {LoadAverage()}");
    }

    private static int Replay(CompareOptions options, TextWriter log)
    {
        ComparisonReport report = Measure(options, log);
        Directory.CreateDirectory(options.OutputDirectory);
        string table = ReportWriter.Table(report);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.md"), table);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.json"), ReportWriter.Json(report));
        File.WriteAllText(Path.Combine(options.OutputDirectory, "compare.svg"), ReportChart.Svg(report));
        log.WriteLine();
        log.WriteLine(table);
        log.WriteLine($"load {report.Load}; report in {options.OutputDirectory} (compare.md, compare.json, compare.svg)");
        return report.Runs.Any(r => r.Error is not null) ? 1 : 0;
    }

    private static JsonObject? Section(string output, DaemonRunner daemon, Receivers receivers) => output switch
    {
        "file" => new JsonObject { ["name"] = daemon.FileOutputPath },
        "gre" => new JsonObject { ["host"] = "127.0.0.1" },
        "vxlan" => new JsonObject { ["host"] = "127.0.0.1", ["port"] = receivers.VxlanPort, ["vni1"] = 1 },
        "zmq" => new JsonObject { ["host"] = "127.0.0.1", ["port"] = receivers.ZmqPort },
        _ => null,
    };

    private static string Describe(RunResult r) => r.Error is not null
        ? $"{r.Output,-6} {r.Subject,-9} {r.Model,-9} run {r.Run}: FAILED: {r.Error}"
        : $"{r.Output,-6} {r.Subject,-9} {r.Model,-9} run {r.Run}: {ReportWriter.Rate(r.PacketsPerSecond),9}/s {r.Mbps,6:F0} Mbit/s  cpu {r.CpuPerMillion:F2} s/M  " +
          $"rss {(r.PeakRssKb < 0 ? "-" : (r.PeakRssKb / 1024).ToString())} MB  alloc {(r.AllocatedBytes < 0 ? "-" : r.AllocatedBytes.ToString())} B  drops {r.Drops}" +
          (r.Received >= 0 ? $"  received {r.Received}" : "");

    /// <summary>The first three fields of /proc/loadavg.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
