using System.Globalization;
using System.Net;
using System.Text;

namespace Cpworker.Benchmarks.Compare;

/// <summary>The live comparison's table (Markdown, with the ratios to tcpdump and dumpcap) and chart (SVG).</summary>
internal static class LiveReport
{
    private static readonly string[] s_colors = ["#2b6cb0", "#38a169", "#805ad5", "#d69e2e", "#a0aec0", "#718096"];

    /// <summary>One row per subject, then per buffer and output the ratios of cpworker's best to the tools'.</summary>
    public static string Table(IReadOnlyList<LiveRateSearch> searches, CompareOptions o, CaptureInfo capture)
    {
        var sb = new StringBuilder();
        string traffic = o.LiveFrame64 ? "64-byte frames" : $"{capture.Packets:N0}-packet capture, {capture.AverageFrame:F0} B average";
        sb.AppendLine(CultureInfo.InvariantCulture, $"Drop-free rate search: {o.LiveGenerator} ({traffic}), {o.LiveSeconds} s trials, top speed then up to {o.LiveSteps} bisection steps; rates are what the capture interface received.{(o.LiveCpuQuotaPercent is double q ? $" Every capturing process limited to {q.ToString(CultureInfo.InvariantCulture)} % of one CPU (cgroup quota, {CpuQuota.PeriodMicroseconds / 1000} ms period)." : "")}");
        sb.AppendLine();
        sb.AppendLine("| subject | buffer | output | highest rate with zero loss | top speed offered | lost at top speed | capture CPU at that rate | capture CPU s per M packets | peak RSS | generator CPU at top | trials |");
        sb.AppendLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (LiveRateSearch s in searches)
        {
            LiveTrial? best = s.Best, top = s.Top;
            string bestText = best is null ? "none" : $"{(s.GeneratorLimited ? "≥ " : "")}{ReportWriter.Rate(best.OfferedPps)}/s";
            string cpu = best is null || best.Seconds <= 0 ? "-" : $"{best.CaptureCpuSeconds / best.Seconds * 100:F0} %";
            string genCpu = top is null || top.Seconds <= 0 ? "-" : $"{top.GeneratorCpuSeconds / top.Seconds * 100:F0} %";
            string lost = top is null ? "-" : top.Error is not null ? "failed" : (top.KernelDrops + top.Missing + top.ErrorDrops).ToString(CultureInfo.InvariantCulture);
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {s.Subject.Label} | {s.Subject.BufferMb} MB | {s.Subject.Output} | {bestText} | {(top is null ? "-" : ReportWriter.Rate(top.OfferedPps) + "/s")} | {lost} | {cpu} | {(best is null ? "-" : best.CpuSecondsPerMillion.ToString("F2", CultureInfo.InvariantCulture))} | {(best is null || best.PeakRssKb < 0 ? "-" : $"{best.PeakRssKb / 1024} MB")} | {genCpu} | {s.Trials.Count} |");
        }

        sb.AppendLine();
        sb.AppendLine("| buffer | output | cpworker best (configuration) | zero-loss rate vs tcpdump -w | zero-loss rate vs dumpcap -w |");
        sb.AppendLine("| ---: | --- | --- | ---: | ---: |");
        foreach (var g in searches.GroupBy(s => (s.Subject.BufferMb, s.Subject.Output)))
        {
            LiveRateSearch? ours = g.Where(s => s.Subject.Tool == "cpworker" && s.Best is not null).MaxBy(s => s.Best!.OfferedPps);
            if (ours is null)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {g.Key.BufferMb} MB | {g.Key.Output} | {ReportWriter.Rate(ours.Best!.OfferedPps)}/s ({ours.Subject.Label}) | {Ratio(ours, g.FirstOrDefault(s => s.Subject.Tool == "tcpdump"))} | {Ratio(ours, g.FirstOrDefault(s => s.Subject.Tool == "dumpcap"))} |");
        }

        return sb.ToString();
    }

    /// <summary>Bars of the zero-loss rate, one group per buffer and output, one bar per subject.</summary>
    public static string Svg(IReadOnlyList<LiveRateSearch> searches, CompareOptions o)
    {
        var groups = searches.GroupBy(s => (s.Subject.BufferMb, s.Subject.Output)).ToList();
        string[] labels = searches.Select(s => s.Subject.Label).Distinct().ToArray();
        const int bar = 22, gap = 30, top = 60, plot = 240, bottom = 50, left = 20;
        int groupWidth = labels.Length * bar + gap;
        int width = left * 2 + Math.Max(1, groups.Count) * groupWidth + 180;
        int height = top + plot + bottom;
        double max = Math.Max(1, searches.Max(s => Math.Max(s.Best?.OfferedPps ?? 0, s.Top?.OfferedPps ?? 0)));
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Escape($"Highest live capture rate with zero loss, packets/s ({o.LiveGenerator}, {o.LiveSeconds} s trials; outline: generator top speed)")}</text>\n");
        for (int i = 0; i < labels.Length; i++)
        {
            int lx = width - 170, ly = top + i * 16;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"{ly - 9}\" width=\"10\" height=\"10\" fill=\"{s_colors[i % s_colors.Length]}\"/><text x=\"{lx + 14}\" y=\"{ly}\">{Escape(labels[i])}</text>\n");
        }

        for (int g = 0; g < groups.Count; g++)
        {
            int x0 = left + g * groupWidth;
            foreach (LiveRateSearch s in groups[g])
            {
                int i = Array.IndexOf(labels, s.Subject.Label);
                int x = x0 + i * bar;
                double topRate = s.Top?.OfferedPps ?? 0, best = s.Best?.OfferedPps ?? 0;
                int hTop = (int)(topRate / max * plot), hBest = (int)(best / max * plot);
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + plot - hTop}\" width=\"{bar - 4}\" height=\"{hTop}\" fill=\"none\" stroke=\"#999\"/>\n");
                sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{top + plot - hBest}\" width=\"{bar - 4}\" height=\"{hBest}\" fill=\"{s_colors[i % s_colors.Length]}\"><title>{Escape($"{s.Subject.Label}: {ReportWriter.Rate(best)}/s")}</title></rect>\n");
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + (bar - 4) / 2}\" y=\"{top + plot - hBest - 3}\" text-anchor=\"middle\" font-size=\"8\">{Escape(ReportWriter.Rate(best).Replace(" ", "", StringComparison.Ordinal))}</text>\n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + (groupWidth - gap) / 2}\" y=\"{top + plot + 18}\" text-anchor=\"middle\">{Escape($"{groups[g].Key.BufferMb} MB, {groups[g].Key.Output}")}</text>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>
    /// Our zero-loss rate over the tool's. When a side held the generator's top speed its rate is
    /// only a lower bound: both bounds give no ratio, one gives a bound. Then, load aside, the capture
    /// CPU per packet of the tool over ours (above 1: we spend less per packet).
    /// </summary>
    private static string Ratio(LiveRateSearch ours, LiveRateSearch? tool)
    {
        if (tool?.Best is not { } t || t.OfferedPps <= 0)
        {
            return tool is null ? "-" : "tool lost at every rate";
        }

        LiveTrial o = ours.Best!;
        double r = o.OfferedPps / t.OfferedPps;
        string rate = (ours.GeneratorLimited, tool.GeneratorLimited) switch
        {
            (true, true) => "both held the generator's top speed",
            (true, false) => $"≥ {r.ToString("F2", CultureInfo.InvariantCulture)}×",
            (false, true) => $"≤ {r.ToString("F2", CultureInfo.InvariantCulture)}×",
            _ => $"{r.ToString("F2", CultureInfo.InvariantCulture)}×",
        };
        string cpu = o.CpuSecondsPerMillion > 0 && t.CpuSecondsPerMillion > 0
            ? $"; tool CPU per packet ÷ ours {(t.CpuSecondsPerMillion / o.CpuSecondsPerMillion).ToString("F2", CultureInfo.InvariantCulture)}"
            : "";
        return rate + cpu;
    }

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}
