using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// Runs the real daemon as a child process on one configuration (<c>run -c CONFIG --exit-at-eof</c>,
/// log level DEBUG) and reads its figures from the line the engine logs when the task's run ends:
/// <c>task-0: run finished: N packets, B bytes in T s, cpu C s, allocated A B, …</c>. The time
/// runs from the moment the replay starts (file open, threads started) until every output has
/// been flushed and closed; start-up and shutdown of the process are not in it.
/// </summary>
internal sealed partial class DaemonRunner
{
    private readonly CompareOptions _options;
    private readonly string _workDirectory;

    /// <summary>Creates a runner writing its configs and output files under <paramref name="workDirectory"/>.</summary>
    public DaemonRunner(CompareOptions options, string workDirectory)
    {
        _options = options;
        _workDirectory = workDirectory;
    }

    /// <summary>Where the <c>file</c> output writes.</summary>
    public string FileOutputPath => Path.Combine(_workDirectory, "file-output.pcap");

    /// <summary>Replays <paramref name="capture"/> into <paramref name="output"/> under <paramref name="model"/>.</summary>
    /// <param name="capture">The capture file to replay.</param>
    /// <param name="output">The output type.</param>
    /// <param name="model"><c>rtc</c> or <c>pipeline</c>.</param>
    /// <param name="outputSection">The output's own settings object (null for <c>null</c>).</param>
    /// <param name="run">Run number, for the report.</param>
    public RunResult Run(CaptureInfo capture, string output, string model, JsonObject? outputSection, int run)
    {
        string config = WriteConfig(capture.Path, output, model, outputSection);
        DeleteFileOutput();
        (string file, string[] prefix) = DaemonCommand(_options.Daemon);
        TimeSpan timeout = TimeSpan.FromSeconds(60 + capture.Packets / 20_000.0);
        ChildProcess p = ChildProcess.Run(file, [.. prefix, "run", "-c", config, "--exit-at-eof"], timeout, _workDirectory);
        DeleteFileOutput();
        var result = new RunResult { Subject = "cpworker", Output = output, Model = model, Run = run, CpuSeconds = p.CpuSeconds };
        // Exit 1 for packets an output could not send is a result, not a failed run: its "error" drops are in the figures.
        bool onlyLost = p.ExitCode == 1 && p.Lines.Any(l => l.Contains("were lost to output errors", StringComparison.Ordinal));
        if (p.ExitCode != 0 && !onlyLost)
        {
            return result with { Error = $"daemon exited {(p.ExitCode is null ? "(killed at the deadline)" : p.ExitCode)}: {Tail(p)}" };
        }

        return ParseFinished(p.Lines, result) ?? result with { Error = $"no \"run finished\" line in the daemon's log: {Tail(p)}" };
    }

    /// <summary>The figures of the daemon's <c>run finished</c> line in <paramref name="lines"/>, added to <paramref name="result"/>; null without one.</summary>
    internal static RunResult? ParseFinished(IEnumerable<string> lines, RunResult result)
    {
        foreach (string line in lines)
        {
            Match m = FinishedLine().Match(line);
            if (m.Success)
            {
                return Parse(m, result);
            }
        }

        return null;
    }

    /// <summary>How to start the daemon: an executable as it is, a .dll through <c>dotnet</c>.</summary>
    internal static (string File, string[] Prefix) DaemonCommand(string daemon) =>
        daemon.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? ("dotnet", [daemon]) : (daemon, []);

    private static RunResult Parse(Match m, RunResult r)
    {
        long L(string g) => long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        double D(string g) => double.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
        return r with
        {
            Packets = L("packets"),
            Bytes = L("bytes"),
            Seconds = D("seconds"),
            CpuSeconds = D("cpu"),
            AllocatedBytes = L("allocated"),
            Gen0Collections = (int)L("gen0"),
            PeakRssKb = L("rss"),
            KernelDrops = L("kernel"),
            Forwarded = L("forwarded"),
            RateLimitDrops = L("rate"),
            ErrorDrops = L("error"),
        };
    }

    private string WriteConfig(string capture, string output, string model, JsonObject? outputSection)
    {
        var outputObject = new JsonObject { ["type"] = output };
        if (outputSection is not null)
        {
            outputObject[output] = outputSection;
        }

        var task = new JsonObject
        {
            ["name"] = "bench",
            ["capturer"] = new JsonObject
            {
                ["type"] = "pcap_file",
                ["pcap_file"] = new JsonObject { ["file_name"] = capture },
            },
            ["outputs"] = new JsonArray(outputObject),
        };
        if (_options.ReqPattern is { } pattern)
        {
            task["req_pattern"] = pattern == "auto"
                ? new JsonObject { ["type"] = "auto" }
                : new JsonObject { ["type"] = "custom", ["custom"] = new JsonObject { ["pattern"] = pattern } };
        }

        var root = new JsonObject
        {
            ["log_level"] = "DEBUG",
            ["execution_model"] = model,
            ["pipeline"] = new JsonObject { ["buffer_size_mb"] = _options.PipelineMb },
            ["tasks"] = new JsonArray(task),
        };
        string path = Path.Combine(_workDirectory, $"{output}-{model}.json");
        File.WriteAllText(path, root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    private void DeleteFileOutput()
    {
        foreach (string f in Directory.EnumerateFiles(_workDirectory, "file-output.pcap*"))
        {
            File.Delete(f);
        }
    }

    private static string Tail(ChildProcess p) => string.Join(" | ", p.Lines.TakeLast(6));

    [GeneratedRegex(@"run finished: (?<packets>\d+) packets, (?<bytes>\d+) bytes in (?<seconds>[\d.]+) s, cpu (?<cpu>[\d.]+) s, allocated (?<allocated>-?\d+) B, gen0 GCs (?<gen0>\d+), peak RSS (?<rss>-?\d+) kB; kernel drops (?<kernel>\d+), interface drops \d+; forwarded (?<forwarded>\d+), dropped: direction \d+, rate limit (?<rate>\d+), error (?<error>\d+)")]
    private static partial Regex FinishedLine();
}
