using System.Text.Json.Nodes;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Host.Recv.Senders;
using Cpworker.Host.Recv.Transport;

namespace Cpworker.Host.Recv;

/// <summary>
/// recv's counters as JSON, one object per listener with its senders (the shape of
/// <c>cpworker ctl stats --json</c>: plain numbers, sorted keys). Printed on stdout at exit and on
/// SIGHUP.
/// </summary>
internal static class RecvStats
{
    /// <summary>The counters of every listener.</summary>
    public static JsonObject Build(IReadOnlyList<RecvListener> listeners)
    {
        var list = new JsonArray();
        foreach (RecvListener l in listeners)
        {
            var malformed = new JsonObject { ["total"] = l.MalformedTotal() };
            foreach (DecodeStatus s in Enum.GetValues<DecodeStatus>())
            {
                if (s != DecodeStatus.Ok)
                {
                    malformed[Snake(s)] = l.MalformedCount(s);
                }
            }

            var senders = new JsonArray();
            foreach (SenderEntry e in l.Senders.Snapshot())
            {
                senders.Add(new JsonObject
                {
                    ["bytes"] = Volatile.Read(ref e.Bytes),
                    ["heartbeats"] = Volatile.Read(ref e.Heartbeats),
                    ["incoming"] = Volatile.Read(ref e.Incoming),
                    ["kept_with_tag"] = Volatile.Read(ref e.KeptWithTag),
                    ["malformed"] = Volatile.Read(ref e.Malformed),
                    ["outgoing"] = Volatile.Read(ref e.Outgoing),
                    ["packets"] = Volatile.Read(ref e.Packets),
                    ["sender"] = e.Sender,
                    ["sink_errors"] = Volatile.Read(ref e.SinkErrors),
                    ["tag"] = e.TagText,
                });
            }

            list.Add(new JsonObject
            {
                ["listener"] = l.Name,
                ["malformed"] = malformed,
                ["received"] = Volatile.Read(ref l.Received),
                ["senders"] = senders,
            });
        }

        return new JsonObject { ["receivers"] = list };
    }

    /// <summary>One line for the log: per listener, received, packets and malformed.</summary>
    public static string Summary(IReadOnlyList<RecvListener> listeners) => string.Join("; ", listeners.Select(l =>
    {
        SenderEntry[] s = l.Senders.Snapshot();
        return $"{l.Name}: {Volatile.Read(ref l.Received)} received, {s.Sum(e => Volatile.Read(ref e.Packets))} packets from {s.Count(e => e.Key.HasTag)} sender(s), {l.MalformedTotal()} malformed";
    }));

    private static string Snake(DecodeStatus s) => s switch
    {
        DecodeStatus.Truncated => "truncated",
        DecodeStatus.WrongVersion => "wrong_version",
        DecodeStatus.BadFlags => "bad_flags",
        DecodeStatus.WrongProtocol => "wrong_protocol",
        DecodeStatus.BadCheckByte => "bad_check_byte",
        _ => "bad_field",
    };
}
