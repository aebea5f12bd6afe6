using System.Net;
using System.Text.Json;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Host.Recv.Decoding;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>
/// Reads a recv configuration file (docs/recv.md, "Configuration file and systemd"): <c>receivers</c>,
/// <c>output</c>, optional <c>log_level</c>, <c>stats_interval_s</c>, <c>control</c> and <c>metrics</c>. Every problem is a
/// <see cref="RecvException"/> naming the JSON path.
/// </summary>
internal static class RecvConfigFile
{
    private static readonly JsonDocumentOptions s_options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads <paramref name="path"/>.</summary>
    public static RecvOptions Load(string path)
    {
        string json;
        try
        {
            // Never opened when it is not a regular file: a FIFO would block in open.
            if (ReplayFile.NotRegular(path) is { } kind)
            {
                throw new RecvException($"{path}: cannot read: it is {kind}, not a regular file");
            }

            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RecvException($"{path}: cannot read: {PathErrors.Describe(ex, path)}");
        }

        if (string.IsNullOrWhiteSpace(json))
        {
            throw new RecvException($"{path}: the file is empty; it must be a JSON object such as {{\"receivers\": [ … ], \"output\": {{ … }}}}");
        }

        try
        {
            using var doc = JsonDocument.Parse(json, s_options);
            if (JsonUnicode.FirstProblem(doc.RootElement) is { } unusable)
            {
                throw new RecvException($"{(unusable.Path.Length == 0 ? "(root)" : unusable.Path)}: {unusable.Problem}");
            }

            return Read(doc.RootElement) with { ConfigPath = Path.GetFullPath(path) };
        }
        catch (JsonException ex)
        {
            throw new RecvException($"{path}: {ConfigLoader.SyntaxErrorMessage(ex)}");
        }
        catch (RecvException ex)
        {
            throw new RecvException($"{path}: {ex.Message}");
        }
    }

    /// <summary>Reads the root object.</summary>
    public static RecvOptions Read(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "(root)");
        Only(root, "", "receivers", "output", "log_level", "stats_interval_s", "control", "metrics");
        if (!root.TryGetProperty("receivers", out JsonElement receivers) || receivers.ValueKind != JsonValueKind.Array || receivers.GetArrayLength() == 0)
        {
            throw new RecvException("receivers: must be a non-empty array of {\"type\": \"vxlan\"|\"gre\"|\"zmq\", …}");
        }

        var listeners = new List<ListenerSpec>();
        int i = 0;
        foreach (JsonElement r in receivers.EnumerateArray())
        {
            listeners.AddRange(Receiver(r, $"receivers[{i++}]"));
        }

        if (!root.TryGetProperty("output", out JsonElement output))
        {
            throw new RecvException("output: is required ({\"type\": \"file\"|\"rotating_file\"|\"interface\", …})");
        }

        LogLevel level = LogLevel.Information;
        if (root.TryGetProperty("log_level", out JsonElement l))
        {
            level = ConfigLoader.ParseLogLevel(String(l, "log_level")) ?? throw new RecvException("log_level: must be DEBUG, INFO, WARN or ERROR");
        }

        int interval = root.TryGetProperty("stats_interval_s", out JsonElement s) ? Int(s, "stats_interval_s", 0, 86_400) : 60;

        // control and metrics as the daemon reads them; an unknown key there (the daemon's warning) is an error here, as everywhere in this file.
        (string? control, string? listen, ConfigDiagnostics diagnostics) = ConfigLoader.ReadControlAndMetrics(root);
        if (diagnostics.Items.Count > 0)
        {
            throw new RecvException(string.Join("; ", diagnostics.Items.Select(d =>
                (d with { Message = d.Message.Replace("unknown key, ignored", "unknown key", StringComparison.Ordinal) }).ToString())));
        }

        return new RecvOptions
        {
            Listeners = listeners,
            Output = Output(output),
            LogLevel = level,
            StatsIntervalSeconds = interval,
            ControlSocketPath = control,
            PrometheusListen = listen,
        };
    }

    private static IEnumerable<ListenerSpec> Receiver(JsonElement r, string path)
    {
        Expect(r, JsonValueKind.Object, path);
        string type = r.TryGetProperty("type", out JsonElement t) ? String(t, path + ".type") : throw new RecvException($"{path}.type: is required");
        switch (type)
        {
            case "vxlan":
                Only(r, path, "type", "listen", "vni", "capture_time");
                string listen = r.TryGetProperty("listen", out JsonElement v) ? String(v, path + ".listen") : throw new RecvException($"{path}.listen: is required ([ADDR:]PORT)");
                VxlanTagLayout layout = VxlanTagLayout.Vni1;
                if (r.TryGetProperty("vni", out JsonElement vni))
                {
                    layout = String(vni, path + ".vni") switch
                    {
                        "vni1" => VxlanTagLayout.Vni1,
                        "vni2" => VxlanTagLayout.Vni2,
                        string other => throw new RecvException($"{path}.vni: must be \"vni1\" or \"vni2\", not \"{other}\""),
                    };
                }

                bool time = r.TryGetProperty("capture_time", out JsonElement ct) && Bool(ct, path + ".capture_time");
                return [new ListenerSpec { Kind = "vxlan", Bind = RecvSpecParser.Endpoint(listen, path + ".listen"), Layout = layout, CaptureTime = time }];
            case "gre":
                Only(r, path, "type", "listen");
                string? address = r.TryGetProperty("listen", out JsonElement a) ? String(a, path + ".listen") : null;
                return RecvSpecParser.GreAddresses(address).Select(ip => new ListenerSpec { Kind = "gre", Bind = new IPEndPoint(ip, 0) }).ToList();
            case "zmq":
                Only(r, path, "type", "bind", "connect");
                bool hasBind = r.TryGetProperty("bind", out JsonElement b);
                bool hasConnect = r.TryGetProperty("connect", out JsonElement c);
                if (hasBind == hasConnect)
                {
                    throw new RecvException($"{path}: give exactly one of \"bind\" and \"connect\" (tcp://ADDR:PORT)");
                }

                string endpoint = hasBind ? String(b, path + ".bind") : String(c, path + ".connect");
                return [new ListenerSpec { Kind = "zmq", Endpoint = RecvSpecParser.ZmqEndpoint(endpoint, path), Connect = hasConnect }];
            default:
                throw new RecvException($"{path}.type: must be \"vxlan\", \"gre\" or \"zmq\", not \"{type}\"");
        }
    }

    private static RecvOutputSpec Output(JsonElement o)
    {
        Expect(o, JsonValueKind.Object, "output");
        string type = o.TryGetProperty("type", out JsonElement t) ? String(t, "output.type") : throw new RecvException("output.type: is required");
        switch (type)
        {
            case "file":
                Only(o, "output", "type", "file");
                return new RecvOutputSpec { File = o.TryGetProperty("file", out JsonElement f) ? String(f, "output.file") : throw new RecvException("output.file: is required") };
            case "rotating_file":
                Only(o, "output", "type", "file_root", "max_file_interval", "max_files");
                return new RecvOutputSpec
                {
                    RotateRoot = o.TryGetProperty("file_root", out JsonElement root) ? String(root, "output.file_root") : throw new RecvException("output.file_root: is required"),
                    RotateSeconds = o.TryGetProperty("max_file_interval", out JsonElement s) ? Int(s, "output.max_file_interval", 0, 86_400) : 60,
                    MaxFiles = o.TryGetProperty("max_files", out JsonElement m) ? Int(m, "output.max_files", 0, 1_000_000) : 0,
                };
            case "interface":
                Only(o, "output", "type", "interface");
                return new RecvOutputSpec { Interface = o.TryGetProperty("interface", out JsonElement i) ? String(i, "output.interface") : throw new RecvException("output.interface: is required") };
            default:
                throw new RecvException($"output.type: must be \"file\", \"rotating_file\" or \"interface\", not \"{type}\"");
        }
    }

    private static void Only(JsonElement o, string path, params string[] keys)
    {
        foreach (JsonProperty p in o.EnumerateObject())
        {
            if (!keys.Contains(p.Name))
            {
                throw new RecvException($"{(path.Length == 0 ? "" : path + ".")}{p.Name}: unknown key (expected one of {string.Join(", ", keys)})");
            }
        }
    }

    private static void Expect(JsonElement e, JsonValueKind kind, string path)
    {
        if (e.ValueKind != kind)
        {
            throw new RecvException($"{path}: must be {kind.ToString().ToLowerInvariant()}, not {e.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static string String(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.String, path);
        return e.GetString()!;
    }

    private static bool Bool(JsonElement e, string path) => e.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new RecvException($"{path}: must be true or false"),
    };

    private static int Int(JsonElement e, string path, int min, int max)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out int v) || v < min || v > max)
        {
            throw new RecvException($"{path}: must be an integer from {min} to {max}");
        }

        return v;
    }
}
