using System.Globalization;
using System.Net;
using System.Text;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A self-contained SVG chart of a comparison: one panel per output, each with its own scale, with
/// bars for rtc, pipeline, the baseline tool measured in the same run, and the C implementation's
/// rtc figure. No scripts, no external fonts or styles.
/// </summary>
internal static class ReportChart
{
    private const int PanelWidth = 190;
    private const int PanelHeight = 260;
    private const int Top = 70;
    private const int Bottom = 60;
    private const int Left = 20;

    private static readonly (string Label, string Color)[] s_series =
    [
        ("cpworker rtc", "#2b6cb0"),
        ("cpworker pipeline", "#38a169"),
        ("baseline (same run)", "#a0aec0"),
        ("C cpworker rtc", "#ed8936"),
    ];

    /// <summary>The SVG document.</summary>
    public static string Svg(ComparisonReport report)
    {
        string[] outputs = CompareOptions.AllOutputs.Where(o => report.Rows.Any(r => r.Output == o && r.Subject == "cpworker")).ToArray();
        int width = Left * 2 + Math.Max(1, outputs.Length) * PanelWidth;
        int height = Top + PanelHeight + Bottom;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        string title = $"cpworker replay throughput, packets/s (median of {report.Options.Runs}; {report.Capture.Packets:N0} packets, {report.Capture.AverageFrame:F0} B average)";
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{Escape(title)}</text>\n");
        for (int i = 0; i < s_series.Length; i++)
        {
            int x = Left + i * 170;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"32\" width=\"12\" height=\"12\" fill=\"{s_series[i].Color}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 16}\" y=\"42\">{Escape(s_series[i].Label)}</text>\n");
        }

        for (int p = 0; p < outputs.Length; p++)
        {
            Panel(sb, report, outputs[p], Left + p * PanelWidth);
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Panel(StringBuilder sb, ComparisonReport report, string output, int x0)
    {
        string? baseline = Baselines.SubjectFor(output);
        double?[] values =
        [
            report.Row("cpworker", output, "rtc")?.PacketsPerSecond,
            report.Row("cpworker", output, "pipeline")?.PacketsPerSecond,
            baseline is null ? null : report.Row(baseline, output, "-")?.PacketsPerSecond,
            ComparisonReport.CRtcPacketsPerSecond.TryGetValue(output, out double c) ? c : null,
        ];
        double max = Math.Max(1, values.Max(v => v ?? 0)) * 1.15;
        int plotBottom = Top + PanelHeight;
        int barWidth = 32;
        int gap = 10;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0 + 5}\" y1=\"{plotBottom}\" x2=\"{x0 + PanelWidth - 15}\" y2=\"{plotBottom}\" stroke=\"#333\"/>\n");
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is not double v)
            {
                continue;
            }

            int h = (int)Math.Round(v / max * (PanelHeight - 10));
            int x = x0 + 10 + i * (barWidth + gap);
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{plotBottom - h}\" width=\"{barWidth}\" height=\"{h}\" fill=\"{s_series[i].Color}\"><title>{Escape(s_series[i].Label)}: {v:F0} packets/s</title></rect>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + barWidth / 2}\" y=\"{plotBottom - h - 4}\" text-anchor=\"middle\" font-size=\"10\">{Escape(ReportWriter.Rate(v))}</text>\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + (PanelWidth - 10) / 2}\" y=\"{plotBottom + 20}\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">{Escape(output)}</text>\n");
        SummaryRow? rtc = report.Row("cpworker", output, "rtc");
        SummaryRow? pipe = report.Row("cpworker", output, "pipeline");
        string note = string.Join("  ", new[]
        {
            rtc?.VersusC is double a ? $"rtc {a:F2}× C" : null,
            pipe?.VersusC is double b ? $"pipe {b:F2}× C" : null,
        }.Where(s => s is not null));
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + (PanelWidth - 10) / 2}\" y=\"{plotBottom + 38}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{Escape(note)}</text>\n");
    }

    private static string Escape(string s) => WebUtility.HtmlEncode(s);
}
