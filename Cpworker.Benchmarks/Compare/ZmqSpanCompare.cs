using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// <c>zmqspan</c>: the ZMQ output measured where it counts, at the receiver. The same replay goes
/// through the daemon into a libzmq PULL receiver that times its first and last message and sums
/// the batches' record counts: the C receiver (<c>baseline/zmq_pull_sink.c</c>, not the limit) and
/// the python3-zmq one (<c>baseline/zmq_pull_sink.py</c>, as a Python collector would be). In one
/// run, interleaved: for each run, each receiver (order alternating), each model (order
/// alternating). Next to the daemon, <c>baseline/zmq_push_bench.c</c> sends the same batches from C
/// libzmq without copying them (subject <c>libzmq</c>): what this loopback and receiver allow. Prints
/// every run with the load average and a table of medians.
/// </summary>
internal static class ZmqSpanCompare
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        dotnet run -c Release --project Cpworker.Benchmarks -- zmqspan [--receivers c,python] [--other-daemon PATH] [compare options]

        The ZMQ output measured at the receiver: the replay goes through the daemon's zmq output into
        a libzmq PULL receiver (C, python3-zmq or both) that times its first and last message and
        sums the record counts; C libzmq sending the same batches runs beside it (subject libzmq).
        Interleaved: each run, each receiver, each model. --other-daemon runs another build (e.g. an
        older commit) beside this one. Takes the options of compare (--capture, --packets, --models,
        --runs, --out …; see compare --help). Default: --runs 3. Writes zmqspan.md to --out.
        """;

    /// <summary>
    /// The C cpworker's first-to-last-message span for the 1 M-packet mixed replay into a
    /// python3-zmq PULL that sums record counts, on this machine kind (docs/operations.md,
    /// "ZMQ output speed"): 1.29–1.52 s. Its rate at the faster end is what 1.5× is measured against.
    /// </summary>
    public const double CSpanSecondsBest = 1.29;

    /// <summary>Runs it; the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter log)
    {
        var rest = new List<string>();
        string[] kinds = ["c", "python"];
        string? other = null;
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--receivers" && i + 1 < args.Count)
            {
                kinds = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
            else if (args[i] == "--other-daemon" && i + 1 < args.Count)
            {
                other = Path.GetFullPath(args[++i]); // another build (an older commit), run interleaved as subject "other"
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        CompareOptions options;
        try
        {
            options = CompareOptions.Parse(rest.Count == 0 ? ["--runs", "3"] : rest);
            if (kinds.Length == 0 || kinds.Any(k => k is not ("c" or "python")))
            {
                throw new ArgumentException("--receivers: a comma list of c,python");
            }
        }
        catch (ArgumentException ex)
        {
            log.WriteLine($"zmqspan: {ex.Message}");
            return 2;
        }

        CaptureInfo capture = CaptureInfo.Resolve(options.Capture, options.Packets, options.CacheDirectory, log);
        log.WriteLine($"capture: {capture.Path}: {capture.Packets} packets, {capture.AverageFrame:F0} bytes on average; load {CompareCommand.LoadAverage()}");
        string work = Directory.CreateTempSubdirectory("cpw-zmqspan-").FullName;
        var sinks = new List<ZmqSink>();
        var rows = new List<(string Receiver, string Model, int Run, string Load, RunResult Daemon, ZmqSinkStats Got)>();
        var daemons = new List<(string Name, DaemonRunner Runner)> { ("cpworker", new DaemonRunner(options, work)) };
        if (other is not null)
        {
            daemons.Add(("other", new DaemonRunner(options with { Daemon = other }, work)));
        }

        try
        {
            foreach (string kind in kinds)
            {
                ZmqSink? sink = kind == "c" ? ZmqSink.TryStartC(options.CacheDirectory, log) : ZmqSink.TryStartPython();
                if (sink is null)
                {
                    log.WriteLine($"zmqspan: the {kind} receiver cannot run here (C: gcc and libzmq3-dev; python: /usr/bin/python3 with python3-zmq)");
                    return 2;
                }

                sinks.Add(sink);
            }

            string? push = ZmqSink.TryCompile(options.CacheDirectory, "zmq_push_bench", log);
            for (int run = 1; run <= options.Runs; run++)
            {
                IEnumerable<ZmqSink> order = run % 2 == 1 ? sinks : Enumerable.Reverse(sinks);
                foreach (ZmqSink sink in order)
                {
                    if (push is not null)
                    {
                        sink.Reset();
                        string load = CompareCommand.LoadAverage();
                        RunResult r = PushBaseline(push, capture, sink.Port, run);
                        ZmqSinkStats got = sink.WaitFor(r.Error is null ? r.Forwarded : 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
                        rows.Add((sink.Kind, "-", run, load, r, got));
                        log.WriteLine(Describe(sink.Kind, "-", run, load, r, got));
                    }

                    IEnumerable<string> models = run % 2 == 1 ? options.Models : options.Models.Reverse();
                    foreach (string model in models)
                    {
                        foreach ((string name, DaemonRunner daemon) in run % 2 == 1 ? daemons : Enumerable.Reverse(daemons))
                        {
                            sink.Reset();
                            string load = CompareCommand.LoadAverage();
                            var section = new JsonObject { ["host"] = "127.0.0.1", ["port"] = sink.Port };
                            RunResult r = daemon.Run(capture, "zmq", model, section, run) with { Subject = name };
                            ZmqSinkStats got = sink.WaitFor(r.Error is null ? r.Forwarded : 1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30));
                            rows.Add((sink.Kind, model, run, load, r, got));
                            log.WriteLine(Describe(sink.Kind, model, run, load, r, got));
                        }
                    }
                }
            }
        }
        finally
        {
            foreach (ZmqSink s in sinks)
            {
                s.Dispose();
            }

            Directory.Delete(work, recursive: true);
        }

        string table = Table(rows, capture);
        log.WriteLine();
        log.WriteLine(table);
        Directory.CreateDirectory(options.OutputDirectory);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "zmqspan.md"), table);
        return rows.Any(r => r.Daemon.Error is not null) ? 1 : 0;
    }

    /// <summary>One run of the C libzmq sender into <paramref name="port"/>.</summary>
    private static RunResult PushBaseline(string program, CaptureInfo capture, int port, int run)
    {
        ChildProcess p = ChildProcess.Run(program, [capture.Path, port.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromMinutes(2));
        var r = new RunResult { Subject = "libzmq", Output = "zmq", Model = "-", Run = run };
        string[] f = p.Output.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        string? Field(string key) => f.FirstOrDefault(x => x.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];
        if (p.ExitCode != 0 || Field("records") is not { } records || Field("seconds") is not { } secs || Field("cpu") is not { } cpu)
        {
            return r with { Error = $"zmq_push_bench exited {p.ExitCode}: {p.Output}" };
        }

        long n = long.Parse(records, CultureInfo.InvariantCulture);
        return r with
        {
            Packets = n,
            Bytes = capture.FrameBytes,
            Forwarded = n,
            Seconds = double.Parse(secs, CultureInfo.InvariantCulture),
            CpuSeconds = double.Parse(cpu, CultureInfo.InvariantCulture),
        };
    }

    private static string Describe(string receiver, string model, int run, string load, RunResult r, ZmqSinkStats got) => r.Error is not null
        ? $"zmq {receiver,-6} {model,-9} run {run}: FAILED: {r.Error}"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"{r.Subject,-8} {receiver,-6} {model,-9} run {run}: span {got.SpanSeconds:F3} s, {got.RecordsPerSecond / 1e6:F2} M records/s, {got.Records} of {r.Forwarded} records in {got.Messages} messages; daemon {r.Seconds:F3} s, cpu {r.CpuPerMillion:F2} s/M, alloc {r.AllocatedPerPacket:F3} B/pkt, drops {r.Drops}; load {load}");

    private static string Table(List<(string Receiver, string Model, int Run, string Load, RunResult Daemon, ZmqSinkStats Got)> rows, CaptureInfo capture)
    {
        double cRate = capture.Packets / CSpanSecondsBest;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Receiver-side first-to-last-message span, {capture.Packets} packets; C cpworker (python3-zmq receiver): {CSpanSecondsBest:F2}–1.52 s.");
        sb.AppendLine();
        sb.AppendLine("| daemon | receiver | model | span s (median) | span s (min–max) | M records/s | vs C cpworker | records received | daemon s | CPU s/M | B/pkt | runs | load (1 min) |");
        sb.AppendLine("| ------ | -------- | ----- | --------------: | ---------------: | ----------: | ------------: | ---------------: | -------: | ------: | ----: | ---: | -----------: |");
        foreach (var g in rows.Where(r => r.Daemon.Error is null).GroupBy(r => (r.Daemon.Subject, r.Receiver, r.Model)))
        {
            double[] spans = g.Select(r => r.Got.SpanSeconds).Order().ToArray();
            double median = ComparisonReport.Median(spans);
            double rate = ComparisonReport.Median(g.Select(r => r.Got.RecordsPerSecond));
            string loads = string.Join(", ", g.Select(r => r.Load.Split(' ')[0]));
            sb.AppendLine(CultureInfo.InvariantCulture, $"| {g.Key.Subject} | {g.Key.Receiver} | {g.Key.Model} | {median:F3} | {spans[0]:F3}–{spans[^1]:F3} | {rate / 1e6:F2} | {rate / cRate:F2}× | {g.Min(r => r.Got.Records)}–{g.Max(r => r.Got.Records)} | {ComparisonReport.Median(g.Select(r => r.Daemon.Seconds)):F3} | {ComparisonReport.Median(g.Select(r => r.Daemon.CpuPerMillion)):F2} | {ComparisonReport.Median(g.Select(r => r.Daemon.AllocatedPerPacket)):F3} | {spans.Length} | {loads} |");
        }

        return sb.ToString();
    }
}
