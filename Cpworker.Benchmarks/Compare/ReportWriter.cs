using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cpworker.Benchmarks.Compare;

/// <summary>Writes a <see cref="ComparisonReport"/> as a text table (console and Markdown) and as JSON.</summary>
internal static class ReportWriter
{
    private static readonly string[] s_headers =
        ["output", "subject", "model", "pkt/s", "Mbit/s", "CPU s/M", "peak RSS MB", "B/pkt", "drops", "vs baseline", "vs C rtc", "pipeline/rtc", "runs"];

    /// <summary>The summary as a Markdown table (which also reads well on a console).</summary>
    public static string Table(ComparisonReport report)
    {
        var rows = new List<string[]> { s_headers };
        foreach (SummaryRow r in report.Rows)
        {
            rows.Add(
            [
                r.Output,
                r.Subject,
                r.Model,
                Rate(r.PacketsPerSecond),
                r.Mbps.ToString("F0", CultureInfo.InvariantCulture),
                r.CpuPerMillion.ToString("F2", CultureInfo.InvariantCulture),
                r.PeakRssMb < 0 ? "-" : r.PeakRssMb.ToString("F0", CultureInfo.InvariantCulture),
                r.AllocatedPerPacket < 0 ? "-" : r.AllocatedPerPacket.ToString("F3", CultureInfo.InvariantCulture),
                r.MaxDrops.ToString(CultureInfo.InvariantCulture),
                Ratio(r.VersusBaseline),
                Ratio(r.VersusC),
                Ratio(r.VersusRtc),
                r.FailedRuns == 0 ? r.Runs.ToString(CultureInfo.InvariantCulture) : $"{r.Runs} ({r.FailedRuns} failed)",
            ]);
        }

        int[] widths = new int[s_headers.Length];
        foreach (string[] row in rows)
        {
            for (int i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        var sb = new StringBuilder();
        for (int n = 0; n < rows.Count; n++)
        {
            sb.Append('|');
            for (int i = 0; i < widths.Length; i++)
            {
                string cell = rows[n][i];
                sb.Append(' ').Append(i < 3 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i])).Append(" |");
            }

            sb.AppendLine();
            if (n == 0)
            {
                sb.Append('|');
                for (int i = 0; i < widths.Length; i++)
                {
                    sb.Append(i < 3 ? ' ' + new string('-', widths[i]) + " |" : ' ' + new string('-', widths[i] - 1) + ": |");
                }

                sb.AppendLine();
            }
        }

        return sb.ToString();
    }

    /// <summary>The whole report as JSON: the machine, the options, the capture, every run and the medians.</summary>
    public static string Json(ComparisonReport report)
    {
        var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var root = new JsonObject
        {
            ["started"] = report.Started.ToString("O", CultureInfo.InvariantCulture),
            ["machine"] = new JsonObject
            {
                ["processors"] = Environment.ProcessorCount,
                ["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
                ["runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
                ["load"] = report.Load,
            },
            ["options"] = new JsonObject
            {
                ["runs"] = report.Options.Runs,
                ["pipeline_buffer_mb"] = report.Options.PipelineMb,
                ["req_pattern"] = report.Options.ReqPattern,
                ["daemon"] = report.Options.Daemon,
            },
            ["capture"] = new JsonObject
            {
                ["path"] = report.Capture.Path,
                ["packets"] = report.Capture.Packets,
                ["frame_bytes"] = report.Capture.FrameBytes,
                ["average_frame"] = Math.Round(report.Capture.AverageFrame, 1),
            },
            ["c_rtc_packets_per_second"] = JsonSerializer.SerializeToNode(ComparisonReport.CRtcPacketsPerSecond, options),
            ["summary"] = JsonSerializer.SerializeToNode(report.Rows, options),
            ["runs"] = JsonSerializer.SerializeToNode(report.Runs, options),
        };
        return root.ToJsonString(options);
    }

    /// <summary>Packets/s as <c>4.12 M</c> or <c>812 k</c>.</summary>
    public static string Rate(double pps) =>
        pps >= 1e6 ? (pps / 1e6).ToString("F2", CultureInfo.InvariantCulture) + " M" : (pps / 1e3).ToString("F0", CultureInfo.InvariantCulture) + " k";

    private static string Ratio(double? r) => r is null ? "-" : r.Value.ToString("F2", CultureInfo.InvariantCulture) + "×";
}
