using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Cpworker.Host.Cli;

/// <summary>
/// Formats <c>cpworker ctl stats</c>: one row per task (captured packets and bytes, kernel and
/// interface drops) with one indented row per output (forwarded packets and bytes, drops by
/// cause), and totals since start. Given an earlier sample, it shows per-second rates instead.
/// </summary>
internal static class StatsTable
{
    /// <summary>Narrowest width of each column (the C tool's layout); a longer value widens its whole column.</summary>
    private static readonly int[] s_minWidths = [22, 9, 14, 16, 10, 10, 10, 10, 10];

    /// <summary>The table for the <c>tasks</c> and <c>collect_stats_summary</c> replies; rates when <paramref name="previous"/> is given.</summary>
    public static string Format(JsonObject tasks, JsonObject summary, (JsonObject Tasks, JsonObject Summary)? previous, double seconds)
    {
        // Rows are cells (aligned at the end, once every width is known) or free text (error lines).
        var lines = new List<object>();
        bool rates = previous is not null && seconds > 0;
        lines.Add(rates
            ? $"rates over the last {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s (tasks: captured; outputs: forwarded)"
            : "totals since start (tasks: captured; outputs: forwarded)");
        lines.Add(Row("NAME", "STATE", rates ? "PKT/S" : "PACKETS", rates ? "MBIT/S" : "BYTES", rates ? "KDROP/S" : "KDROP", rates ? "IFDROP/S" : "IFDROP", rates ? "DIRDROP/S" : "DIRDROP", rates ? "RLDROP/S" : "RLDROP", rates ? "ERRDROP/S" : "ERRDROP"));
        var before = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        if (previous?.Tasks["tasks"] is JsonArray old)
        {
            foreach (JsonNode? t in old)
            {
                if (t is JsonObject o)
                {
                    before[Str(o, "name")] = o;
                }
            }
        }

        foreach (JsonNode? node in tasks["tasks"] as JsonArray ?? [])
        {
            if (node is not JsonObject task)
            {
                continue;
            }

            before.TryGetValue(Str(task, "name"), out JsonObject? was);
            JsonObject capture = task["capture"] as JsonObject ?? new JsonObject();
            JsonObject? wasCapture = was?["capture"] as JsonObject;
            string state = Str(task, "state");
            lines.Add(Row(
                Str(task, "name"),
                state,
                Count(capture, wasCapture, "cap_packets", rates, seconds),
                Volume(capture, wasCapture, "cap_bytes", rates, seconds),
                Count(capture, wasCapture, "drop_packets", rates, seconds),
                Count(capture, wasCapture, "ifdrop_packets", rates, seconds),
                "", "", ""));
            if (task["error"] is JsonNode error)
            {
                lines.Add($"  error: {error.GetValue<string>()}");
            }

            var wasOutputs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
            foreach (JsonNode? o in was?["outputs"] as JsonArray ?? [])
            {
                if (o is JsonObject oo)
                {
                    wasOutputs[Str(oo, "name")] = oo;
                }
            }

            foreach (JsonNode? o in task["outputs"] as JsonArray ?? [])
            {
                if (o is not JsonObject output)
                {
                    continue;
                }

                wasOutputs.TryGetValue(Str(output, "name"), out JsonObject? wo);
                lines.Add(Row(
                    "  " + Str(output, "name"),
                    Str(output, "type"),
                    Count(output, wo, "fwd_packets", rates, seconds),
                    Volume(output, wo, "fwd_bytes", rates, seconds),
                    "", "",
                    Count(output, wo, "direction_drop_packets", rates, seconds),
                    Count(output, wo, "ratelimit_drop_packets", rates, seconds),
                    Count(output, wo, "error_drop_packets", rates, seconds)));
                if (output["ring_datagrams"] is JsonValue ring && ring.TryGetValue(out long carried) && carried > 0)
                {
                    // send_path packet_ring/auto: how many datagrams each path carried (the rest goes through the socket).
                    lines.Add($"    send path: ring {Count(output, wo, "ring_datagrams", rates, seconds)}, socket {Count(output, wo, "socket_datagrams", rates, seconds)} datagrams");
                }
            }
        }

        JsonObject cap = Totals(summary, "capture");
        JsonObject outp = Totals(summary, "output");
        JsonObject? wasCap = previous is { } p1 ? Totals(p1.Summary, "capture") : null;
        JsonObject? wasOut = previous is { } p2 ? Totals(p2.Summary, "output") : null;
        lines.Add(Row("TOTAL captured", "", Count(cap, wasCap, "cap_packets", rates, seconds), Volume(cap, wasCap, "cap_bytes", rates, seconds), Count(cap, wasCap, "drop_packets", rates, seconds), Count(cap, wasCap, "ifdrop_packets", rates, seconds), "", "", ""));
        lines.Add(Row("TOTAL forwarded", "", Count(outp, wasOut, "fwd_packets", rates, seconds), Volume(outp, wasOut, "fwd_bytes", rates, seconds), "", "", Count(outp, wasOut, "direction_drop_packets", rates, seconds), Count(outp, wasOut, "ratelimit_drop_packets", rates, seconds), Count(outp, wasOut, "error_drop_packets", rates, seconds)));
        return Layout(lines, s_minWidths);
    }

    /// <summary>Pads every column to its widest cell (at least <paramref name="minWidths"/>): the first two left-aligned, numbers right-aligned; a string line is printed as it is.</summary>
    internal static string Layout(List<object> lines, int[] minWidths)
    {
        int[] widths = (int[])minWidths.Clone();
        foreach (string[] cells in lines.OfType<string[]>())
        {
            for (int i = 0; i < cells.Length; i++)
            {
                widths[i] = Math.Max(widths[i], cells[i].Length);
            }
        }

        var sb = new StringBuilder();
        foreach (object line in lines)
        {
            if (line is not string[] cells)
            {
                sb.AppendLine((string)line);
                continue;
            }

            var row = new StringBuilder();
            for (int i = 0; i < cells.Length; i++)
            {
                row.Append(i == 0 ? "" : " ").Append(i < 2 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
            }

            sb.AppendLine(row.ToString().TrimEnd());
        }

        return sb.ToString();
    }

    /// <summary>The value of a counter in either shape: a plain integer, <c>{"bytes","eib"}</c> or <c>{"packets","peta"}</c>.</summary>
    public static UInt128 Value(JsonNode? node) => node switch
    {
        JsonObject o when o["eib"] is not null => ((UInt128)o["eib"]!.GetValue<ulong>() << 60) + o["bytes"]!.GetValue<ulong>(),
        JsonObject o when o["peta"] is not null => ((UInt128)o["peta"]!.GetValue<ulong>() * 10_000_000_000_000_000UL) + o["packets"]!.GetValue<ulong>(),
        JsonValue v => (UInt128)Math.Max(0, v.GetValue<long>()),
        _ => 0,
    };

    private static JsonObject Totals(JsonObject summary, string section) => summary[section] as JsonObject ?? new JsonObject();

    /// <summary>A row of cells for <see cref="Layout"/>.</summary>
    internal static string[] Row(params string[] cells) => cells;

    private static string Str(JsonObject o, string key) => o[key]?.GetValue<string>() ?? "";

    /// <summary>A counter, or its growth per second since <paramref name="before"/> when <paramref name="rates"/>.</summary>
    internal static string Count(JsonObject now, JsonObject? before, string key, bool rates, double seconds)
    {
        UInt128 value = Value(now[key]);
        if (!rates)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        return (Delta(value, before?[key]) / seconds).ToString("0", CultureInfo.InvariantCulture);
    }

    /// <summary>A byte counter, or its growth in Mbit/s since <paramref name="before"/> when <paramref name="rates"/>.</summary>
    internal static string Volume(JsonObject now, JsonObject? before, string key, bool rates, double seconds)
    {
        UInt128 value = Value(now[key]);
        if (!rates)
        {
            return value.ToString(CultureInfo.InvariantCulture);
        }

        return (Delta(value, before?[key]) * 8 / seconds / 1e6).ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>Growth since the earlier sample; a counter that went down (task rebuilt by a reload) counts from zero.</summary>
    private static double Delta(UInt128 now, JsonNode? before)
    {
        UInt128 was = before is null ? 0 : Value(before);
        return (double)(now >= was ? now - was : now);
    }
}
