using System.Globalization;
using System.Text.Json.Nodes;

namespace Cpworker.Host.Cli;

/// <summary>
/// Formats <c>cpworker ctl stats</c> against <c>cpworker recv</c> (its <c>recv_stats</c> reply): one row
/// per listener (datagrams or messages received, and the frames decoded from them) with one indented
/// row per sender+tag, the malformed input by reason, and a total. Given an earlier sample, it shows
/// per-second rates instead, as the daemon's table does (<see cref="StatsTable"/>).
/// </summary>
internal static class RecvStatsTable
{
    /// <summary>Narrowest width of each column; a longer value widens its whole column.</summary>
    private static readonly int[] s_minWidths = [24, 16, 10, 10, 14, 10, 10, 10];

    /// <summary>The table for a <c>recv_stats</c> reply; rates when <paramref name="previous"/> is given.</summary>
    public static string Format(JsonObject stats, JsonObject? previous, double seconds)
    {
        var lines = new List<object>();
        bool rates = previous is not null && seconds > 0;
        lines.Add(rates
            ? $"rates over the last {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s (listeners: received; senders: decoded)"
            : "totals since start (listeners: datagrams or messages received; senders: frames decoded)");
        lines.Add(StatsTable.Row("NAME", "TAG", rates ? "RECV/S" : "RECEIVED", rates ? "PKT/S" : "PACKETS", rates ? "MBIT/S" : "BYTES", rates ? "IN/S" : "IN", rates ? "OUT/S" : "OUT", rates ? "MALF/S" : "MALFORMED"));
        Dictionary<string, JsonObject> before = ByKey(previous);
        var total = new JsonObject();
        var totalBefore = new JsonObject();
        foreach (JsonNode? node in stats["receivers"] as JsonArray ?? [])
        {
            if (node is not JsonObject listener)
            {
                continue;
            }

            string name = Str(listener, "listener");
            before.TryGetValue(name, out JsonObject? was);
            JsonObject sum = Sum(listener);
            JsonObject? wasSum = was is null ? null : Sum(was);
            lines.Add(StatsTable.Row([name, "", .. Cells(sum, wasSum, rates, seconds, received: true)]));
            Add(total, sum);
            Add(totalBefore, wasSum ?? new JsonObject());
            if (Malformed(listener) is string reasons)
            {
                lines.Add($"  malformed since start: {reasons}");
            }

            foreach (JsonNode? s in listener["senders"] as JsonArray ?? [])
            {
                if (s is not JsonObject sender)
                {
                    continue;
                }

                before.TryGetValue(SenderKey(name, sender), out JsonObject? wasSender);
                string tag = Str(sender, "tag");
                lines.Add(StatsTable.Row(["  " + Str(sender, "sender"), tag.Length == 0 ? "-" : tag, .. Cells(sender, wasSender, rates, seconds, received: false)]));
                var extras = new List<string>();
                foreach ((string key, string words) in new[] { ("heartbeats", "heartbeats"), ("kept_with_tag", "kept with tag"), ("sink_errors", "sink errors") })
                {
                    if (StatsTable.Value(sender[key]) > 0)
                    {
                        extras.Add($"{words} {StatsTable.Count(sender, wasSender, key, rates, seconds)}");
                    }
                }

                if (extras.Count > 0)
                {
                    lines.Add("    " + string.Join(", ", extras));
                }
            }
        }

        lines.Add(StatsTable.Row(["TOTAL", "", .. Cells(total, rates ? totalBefore : null, rates, seconds, received: true)]));
        return StatsTable.Layout(lines, s_minWidths);
    }

    /// <summary>The six number cells of a listener (with <c>received</c>) or a sender row.</summary>
    private static string[] Cells(JsonObject now, JsonObject? before, bool rates, double seconds, bool received) =>
    [
        received ? StatsTable.Count(now, before, "received", rates, seconds) : "",
        StatsTable.Count(now, before, "packets", rates, seconds),
        StatsTable.Volume(now, before, "bytes", rates, seconds),
        StatsTable.Count(now, before, "incoming", rates, seconds),
        StatsTable.Count(now, before, "outgoing", rates, seconds),
        StatsTable.Count(now, before, "malformed", rates, seconds),
    ];

    /// <summary>A listener's row: received and malformed as counted by the listener, the rest summed over its senders.</summary>
    private static JsonObject Sum(JsonObject listener)
    {
        var sum = new JsonObject
        {
            ["received"] = (long)StatsTable.Value(listener["received"]),
            ["malformed"] = (long)StatsTable.Value(listener["malformed"]?["total"]),
        };
        foreach (string key in new[] { "packets", "bytes", "incoming", "outgoing" })
        {
            UInt128 n = 0;
            foreach (JsonNode? s in listener["senders"] as JsonArray ?? [])
            {
                n += StatsTable.Value(s?[key]);
            }

            sum[key] = (long)n;
        }

        return sum;
    }

    private static void Add(JsonObject total, JsonObject row)
    {
        foreach (KeyValuePair<string, JsonNode?> p in row)
        {
            total[p.Key] = (long)(StatsTable.Value(total[p.Key]) + StatsTable.Value(p.Value));
        }
    }

    /// <summary>The non-zero malformed reasons of a listener, or null when there are none.</summary>
    private static string? Malformed(JsonObject listener)
    {
        if (listener["malformed"] is not JsonObject malformed)
        {
            return null;
        }

        string[] reasons = malformed
            .Where(p => p.Key != "total" && StatsTable.Value(p.Value) > 0)
            .Select(p => $"{p.Key} {StatsTable.Value(p.Value)}")
            .ToArray();
        return reasons.Length == 0 ? null : string.Join(", ", reasons);
    }

    /// <summary>The listeners and senders of an earlier sample, by listener name and by listener, sender and tag.</summary>
    private static Dictionary<string, JsonObject> ByKey(JsonObject? stats)
    {
        var map = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (JsonNode? node in stats?["receivers"] as JsonArray ?? [])
        {
            if (node is JsonObject listener)
            {
                string name = Str(listener, "listener");
                map[name] = listener;
                foreach (JsonNode? s in listener["senders"] as JsonArray ?? [])
                {
                    if (s is JsonObject sender)
                    {
                        map[SenderKey(name, sender)] = sender;
                    }
                }
            }
        }

        return map;
    }

    private static string SenderKey(string listener, JsonObject sender) => $"{listener}\n{Str(sender, "sender")}\n{Str(sender, "tag")}";

    private static string Str(JsonObject o, string key) => o[key]?.GetValue<string>() ?? "";
}
