namespace Cpworker.Benchmarks.Compare;

/// <summary>Everything one comparison measured, and its medians.</summary>
internal sealed class ComparisonReport
{
    /// <summary>
    /// The C implementation's rtc figures on this machine kind (1 M-packet mixed capture, medians of
    /// 5), packets/s: the targets are stated against them.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> CRtcPacketsPerSecond = new Dictionary<string, double>
    {
        ["null"] = 2_870_000,
        ["file"] = 1_080_000,
        ["vxlan"] = 262_000,
        ["gre"] = 261_000,
        ["zmq"] = 896_000,
    };

    /// <summary>Creates the report of <paramref name="runs"/>.</summary>
    public ComparisonReport(CompareOptions options, CaptureInfo capture, IReadOnlyList<RunResult> runs, DateTimeOffset started, string load)
    {
        Options = options;
        Capture = capture;
        Runs = runs;
        Started = started;
        Load = load;
        Rows = Summarise(runs);
    }

    /// <summary>The options of the comparison.</summary>
    public CompareOptions Options { get; }

    /// <summary>The replayed capture.</summary>
    public CaptureInfo Capture { get; }

    /// <summary>Every run, in the order they ran.</summary>
    public IReadOnlyList<RunResult> Runs { get; }

    /// <summary>When the comparison started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>/proc/loadavg at the start and the end.</summary>
    public string Load { get; }

    /// <summary>One row per configuration: the daemon's first, by output and model, then the baselines.</summary>
    public IReadOnlyList<SummaryRow> Rows { get; }

    /// <summary>The row of a configuration, or null.</summary>
    public SummaryRow? Row(string subject, string output, string model) =>
        Rows.FirstOrDefault(r => r.Subject == subject && r.Output == output && r.Model == model);

    private static List<SummaryRow> Summarise(IReadOnlyList<RunResult> runs)
    {
        var rows = new List<SummaryRow>();
        foreach (var group in runs.GroupBy(r => (r.Subject, r.Output, r.Model)))
        {
            RunResult[] ok = group.Where(r => r.Error is null).ToArray();
            rows.Add(new SummaryRow
            {
                Subject = group.Key.Subject,
                Output = group.Key.Output,
                Model = group.Key.Model,
                Runs = ok.Length,
                FailedRuns = group.Count() - ok.Length,
                PacketsPerSecond = Median(ok.Select(r => r.PacketsPerSecond)),
                Mbps = Median(ok.Select(r => r.Mbps)),
                CpuPerMillion = Median(ok.Select(r => r.CpuPerMillion)),
                PeakRssMb = ok.Any(r => r.PeakRssKb >= 0) ? ok.Max(r => r.PeakRssKb) / 1024.0 : -1,
                AllocatedPerPacket = ok.Any(r => r.AllocatedBytes >= 0) ? Median(ok.Select(r => r.AllocatedPerPacket)) : -1,
                MaxDrops = ok.Length == 0 ? 0 : ok.Max(r => r.Drops),
            });
        }

        for (int i = 0; i < rows.Count; i++)
        {
            SummaryRow r = rows[i];
            if (r.Subject != "cpworker")
            {
                continue;
            }

            string? baseline = Baselines.SubjectFor(r.Output);
            SummaryRow? b = baseline is null ? null : rows.FirstOrDefault(x => x.Subject == baseline && x.Output == r.Output);
            SummaryRow? rtc = r.Model == "pipeline" ? rows.FirstOrDefault(x => x.Subject == "cpworker" && x.Output == r.Output && x.Model == "rtc") : null;
            rows[i] = r with
            {
                VersusBaseline = b is { PacketsPerSecond: > 0 } ? r.PacketsPerSecond / b.PacketsPerSecond : null,
                VersusC = CRtcPacketsPerSecond.TryGetValue(r.Output, out double c) ? r.PacketsPerSecond / c : null,
                VersusRtc = rtc is { PacketsPerSecond: > 0 } ? r.PacketsPerSecond / rtc.PacketsPerSecond : null,
            };
        }

        return rows.OrderBy(r => r.Subject == "cpworker" ? 0 : 1)
            .ThenBy(r => Array.IndexOf(CompareOptions.AllOutputs, r.Output))
            .ThenBy(r => r.Model == "rtc" ? 0 : 1)
            .ToList();
    }

    /// <summary>The median; 0 for none.</summary>
    internal static double Median(IEnumerable<double> values)
    {
        double[] v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0)
        {
            return 0;
        }

        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
