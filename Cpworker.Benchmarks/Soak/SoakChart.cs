using System.Globalization;
using System.Text;

namespace Cpworker.Benchmarks.Soak;

/// <summary>A self-contained SVG of a soak: one line panel each for RSS, threads, fds and the forwarding rate, over minutes.</summary>
internal static class SoakChart
{
    private const int Width = 760;
    private const int PanelHeight = 130;
    private const int Left = 70;
    private const int Right = 20;
    private const int Top = 40;

    private static readonly (string Label, string Color, Func<SoakSample, SoakSample?, double> Value)[] s_panels =
    [
        ("RSS (MB)", "#2b6cb0", (s, _) => s.RssKb / 1024.0),
        ("threads", "#38a169", (s, _) => s.Threads),
        ("open fds", "#dd6b20", (s, _) => s.Fds),
        ("forwarded pkt/s", "#805ad5", (s, p) => p is null || s.Minutes <= p.Minutes ? 0 : (s.Forwarded - p.Forwarded) / ((s.Minutes - p.Minutes) * 60)),
    ];

    /// <summary>The SVG document.</summary>
    public static string Svg(IReadOnlyList<SoakSample> samples, string title)
    {
        var live = samples.Where(s => s.RssKb >= 0).ToList();
        int height = Top + s_panels.Length * (PanelHeight + 30) + 20;
        double maxMinutes = Math.Max(0.1, live.Count == 0 ? 0.1 : live[^1].Minutes);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n<text x=\"{Left}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{SoakReport.Escape(title)}</text>\n");
        for (int p = 0; p < s_panels.Length; p++)
        {
            var (label, color, value) = s_panels[p];
            double[] ys = live.Select((s, i) => value(s, i == 0 ? null : live[i - 1])).ToArray();
            double max = ys.Length == 0 ? 1 : Math.Max(1e-9, ys.Max()) * 1.1;
            int y0 = Top + p * (PanelHeight + 30);
            int bottom = y0 + PanelHeight;
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"{y0 + 12}\" font-weight=\"bold\">{SoakReport.Escape(label)}</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{bottom}\" x2=\"{Width - Right}\" y2=\"{bottom}\" stroke=\"#333\"/><line x1=\"{Left}\" y1=\"{y0 + 16}\" x2=\"{Left}\" y2=\"{bottom}\" stroke=\"#333\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{y0 + 24}\" text-anchor=\"end\">{max:G4}</text><text x=\"{Left - 6}\" y=\"{bottom}\" text-anchor=\"end\">0</text>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{bottom + 14}\" text-anchor=\"end\">{maxMinutes:F0} min</text>\n");
            var points = new StringBuilder();
            for (int i = 0; i < ys.Length; i++)
            {
                double x = Left + live[i].Minutes / maxMinutes * (Width - Left - Right);
                double y = bottom - ys[i] / max * (PanelHeight - 20);
                points.Append(CultureInfo.InvariantCulture, $"{x:F1},{y:F1} ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"/>\n");
        }

        sb.Append("</svg>\n");
        return sb.ToString();
    }
}
