using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cpworker.Host.Control;

/// <summary>
/// Writes control replies as the C implementation does: one compact JSON object per line, keys in
/// byte order at every level (its JSON library keeps objects sorted), integers exact.
/// </summary>
internal static class ControlJson
{
    /// <summary>Bytes in an exbibyte: the unit of the <c>eib</c> field of byte counters.</summary>
    public const ulong BytesPerEib = 1UL << 60;

    /// <summary>Packets in a peta: the unit of the <c>peta</c> field of packet counters.</summary>
    public const ulong PacketsPerPeta = 10_000_000_000_000_000;

    /// <summary>The reply as UTF-8, keys sorted, ending with <c>\n</c>.</summary>
    public static byte[] Serialize(JsonObject reply)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, reply);
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>An OK reply with <paramref name="fields"/>.</summary>
    public static JsonObject Ok(JsonObject? fields = null)
    {
        JsonObject reply = fields ?? new JsonObject();
        reply["status"] = "OK";
        return reply;
    }

    /// <summary>An ERROR reply: <c>{"message":…,"status":"ERROR"}</c>.</summary>
    public static JsonObject Error(string message) => new() { ["message"] = message, ["status"] = "ERROR" };

    /// <summary>A byte counter in the C shape: <c>{"bytes": n, "eib": k}</c>, total = k·2^60 + n.</summary>
    public static JsonObject Bytes(UInt128 total) => new()
    {
        ["bytes"] = (ulong)(total % BytesPerEib),
        ["eib"] = (ulong)(total / BytesPerEib),
    };

    /// <summary>A packet counter in the C shape: <c>{"packets": n, "peta": k}</c>, total = k·10^16 + n.</summary>
    public static JsonObject Packets(UInt128 total) => new()
    {
        ["packets"] = (ulong)(total % PacketsPerPeta),
        ["peta"] = (ulong)(total / PacketsPerPeta),
    };

    /// <summary>A counter as unsigned 128 bits (negative values, which cannot happen, read as 0).</summary>
    public static UInt128 Total(long value) => value <= 0 ? UInt128.Zero : (UInt128)(ulong)value;

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                writer.WriteStartObject();
                var keys = new List<string>(o.Count);
                foreach (KeyValuePair<string, JsonNode?> p in o)
                {
                    keys.Add(p.Key);
                }

                keys.Sort(StringComparer.Ordinal);
                foreach (string key in keys)
                {
                    writer.WritePropertyName(key);
                    Write(writer, o[key]);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (JsonNode? item in a)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
