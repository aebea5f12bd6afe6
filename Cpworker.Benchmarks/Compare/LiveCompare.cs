using System.Text.Json;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// <c>compare --live</c>: a drop-free rate search. The generator (<c>blast</c> by default, or
/// tcpreplay) sends the capture into one end of a veth pair from inside a test namespace; on the
/// other end captures cpworker in each configuration (model × capture buffer × output × threads)
/// and, with the same buffers, <c>tcpdump -w</c> and <c>dumpcap -w</c>. Each subject first gets the
/// generator's top speed; if it loses packets, its highest zero-loss rate is found by bisection
/// over fixed-length trials. The searches are interleaved round by round, so every subject sees
/// the machine's load of the same minutes.
/// </summary>
internal static class LiveCompare
{
    /// <summary>Rate of the 1 s warm-up before a trial under <c>--live-cpu-quota</c>.</summary>
    private const long WarmUpPps = 20_000;

    /// <summary>How the trials are written to <c>live.json</c>.</summary>
    private static readonly JsonSerializerOptions s_reportJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Runs the live comparison.</summary>
    public static int Run(CompareOptions options, TextWriter log)
    {
        CaptureInfo capture = CaptureInfo.Resolve(options.Capture, options.Packets, options.CacheDirectory, log);
        List<LiveSubject> subjects = Subjects(options);
        log.WriteLine($"capture: {(options.LiveFrame64 ? "64-byte frames" : $"{capture.Path}: {capture.Packets} packets")}; generator {options.LiveGenerator}; {subjects.Count} subjects, {options.LiveSeconds} s trials, at most {options.LiveSteps} bisection steps{(options.LiveCpuQuotaPercent is double q ? $"; every capture limited to {q} % of one CPU (cgroup, {CpuQuota.PeriodMicroseconds / 1000} ms period)" : "")}; load {CompareCommand.LoadAverage()}");
        string root = Directory.CreateTempSubdirectory("cpw-live-").FullName;
        string work = Directory.CreateDirectory(Path.Combine(root, "data")).FullName;
        var searches = subjects.Select(s => new LiveRateSearch(s, options.LiveRates)).ToList();
        try
        {
            using var ns = new BenchNetns();
            for (int round = 0; round <= options.LiveSteps + options.LiveRates.Count; round++)
            {
                foreach (LiveRateSearch search in searches)
                {
                    long? rate = search.NextRate(options.LiveSteps);
                    if (rate is long pps)
                    {
                        search.Record(Logged(log, Trial(options, ns, capture, work, search.Subject, pps, round)));
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(options.OutputDirectory);
        string table = LiveReport.Table(searches, options, capture);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "live.md"), table);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "live.svg"), LiveReport.Svg(searches, options));
        File.WriteAllText(
            Path.Combine(options.OutputDirectory, "live.json"),
            JsonSerializer.Serialize(searches.SelectMany(s => s.Trials), s_reportJson));
        log.WriteLine();
        log.WriteLine(table);
        log.WriteLine($"load {CompareCommand.LoadAverage()}; report in {options.OutputDirectory} (live.md, live.json, live.svg)");
        return searches.Any(s => s.Trials.Any(t => t.Error is not null)) ? 1 : 0;
    }

    /// <summary>Every subject of the comparison, cpworker's configurations first.</summary>
    private static List<LiveSubject> Subjects(CompareOptions o)
    {
        var list = new List<LiveSubject>();
        foreach (int buffer in o.LiveBuffersMb)
        {
            foreach (string output in o.LiveOutputs)
            {
                foreach (string model in o.Models)
                {
                    foreach (int threads in o.LiveThreads)
                    {
                        foreach (int timeout in o.LiveTimeoutsMs)
                        {
                            foreach (string reader in o.LiveReaders)
                            {
                                list.Add(new LiveSubject("cpworker", model, buffer, output, threads, timeout, reader));
                            }
                        }
                    }
                }

                if (o.Baselines)
                {
                    list.Add(new LiveSubject("tcpdump", null, buffer, output, 1));
                    list.Add(new LiveSubject("dumpcap", null, buffer, output, 1));
                }
            }
        }

        return list;
    }

    private static LiveTrial Trial(CompareOptions options, BenchNetns ns, CaptureInfo capture, string work, LiveSubject subject, long pps, int round)
    {
        var trial = new LiveTrial { Subject = subject, RequestedPps = pps, Round = round };
        using LiveCapturer? capturer = LiveCapturer.Start(subject, options, ns, work, out string? error);
        if (capturer is null)
        {
            return trial with { Error = error, Load = CompareCommand.LoadAverage() };
        }

        long warmUp = 0;
        if (options.LiveCpuQuotaPercent is double percent)
        {
            // Unlimited and uncounted: one-time start-up work on the first packets (the JIT
            // compiling cpworker's packet path) is not what the quota measures.
            LiveGenerator.Run warm = LiveGenerator.Send(options.LiveGenerator, ns, capture.Path, WarmUpPps, 1, options.LiveFrame64);
            warmUp = warm.Offered;
            Thread.Sleep(500);
            string? limitError = warm.Error ?? capturer.Limit(percent);
            if (limitError is not null)
            {
                return trial with { Error = limitError, Load = CompareCommand.LoadAverage() };
            }
        }

        LiveGenerator.Run sent = LiveGenerator.Send(options.LiveGenerator, ns, capture.Path, pps, options.LiveSeconds, options.LiveFrame64);
        LiveCapturer.Counts counts = capturer.Stop();
        counts = counts with { Captured = Math.Max(0, counts.Captured - warmUp) }; // warm-up losses stay in the kernel drops: such a trial counts as lossy
        return trial with
        {
            Offered = sent.Offered,
            OfferedPps = sent.Seconds > 0 ? sent.Offered / sent.Seconds : 0,
            GeneratorPps = sent.Pps,
            GeneratorCpuSeconds = sent.CpuSeconds,
            Seconds = sent.Seconds,
            Captured = counts.Captured,
            KernelDrops = counts.KernelDrops,
            ErrorDrops = counts.ErrorDrops,
            CaptureCpuSeconds = counts.CpuSeconds,
            PeakRssKb = counts.PeakRssKb,
            Load = CompareCommand.LoadAverage(),
            Error = sent.Error ?? counts.Error,
        };
    }

    private static LiveTrial Logged(TextWriter log, LiveTrial t)
    {
        string rate = t.RequestedPps == 0 ? "top speed" : $"{t.RequestedPps} pps";
        string what = $"{t.Subject.Label,-28} {t.Subject.BufferMb,4} MB {t.Subject.Output,-13} {rate,-12}";
        log.WriteLine(t.Error is not null
            ? $"{what}: FAILED: {t.Error}"
            : $"{what}: offered {t.Offered} at {t.OfferedPps:F0} pps (generator cpu {t.GeneratorCpuSeconds:F1} s), captured {t.Captured} (cpu {t.CaptureCpuSeconds:F2} s, {t.CpuSecondsPerMillion:F2} s per M; rss {t.PeakRssKb} kB), kernel drops {t.KernelDrops}, missing {t.Missing}, error drops {t.ErrorDrops}{(t.ZeroLoss ? "  (no loss)" : "")}; load {t.Load}");
        return t;
    }
}
