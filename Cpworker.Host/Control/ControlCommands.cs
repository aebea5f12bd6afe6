using System.Text.Json;
using System.Text.Json.Nodes;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Engine.Scheduling;
using Cpworker.Host.Interop;
using Cpworker.Host.Logging;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Control;

/// <summary>
/// Answers one control request (docs/operations.md, "The protocol"). Replies are built on request from the engine's
/// counters; nothing here touches a packet thread.
/// </summary>
internal sealed class ControlCommands : IControlHandler
{
    private readonly ControlTarget _target;
    private readonly ILogger _logger;

    /// <summary>Creates the dispatcher.</summary>
    public ControlCommands(ControlTarget target, ILogger logger)
    {
        _target = target;
        _logger = logger;
    }

    /// <summary>
    /// The reply to a parsed request, and an action to run once the reply is on its way
    /// (a reload or a stop must not overtake its own reply).
    /// </summary>
    public (JsonObject Reply, Action? After) Handle(JsonElement request)
    {
        if (CommandOf(request, _logger) is not string name)
        {
            return (BadRequest(request), null);
        }

        return name switch
        {
            "ping" => (Ping(), null),
            "info" => (Info(_target.StartedAt, _target.StartedTicks, _target.ConfigPath), null),
            "collect_stats_summary" => (StatsSummary(), null),
            "tasks" => (Tasks(), null),
            "set_log_level" => (SetLogLevel(request, _target.LogLevel, _logger), null),
            "reload_config" => (ControlJson.Ok(), _target.RequestReload),
            "shutdown" => (ControlJson.Ok(), _target.RequestShutdown),
            _ => (ControlJson.Error("unknown command"), null),
        };
    }

    /// <summary>
    /// For a request answered only once something finishes (<c>reload_config</c> with
    /// <c>"wait": true</c>): the work that produces the reply. Null for every other request.
    /// </summary>
    public Func<Task<JsonObject>>? Deferred(JsonElement request)
    {
        if (_target.ReloadAndWait is not { } reload
            || request.ValueKind != JsonValueKind.Object
            || !request.TryGetProperty("command", out JsonElement command) || command.ValueKind != JsonValueKind.String || command.GetString() != "reload_config"
            || !request.TryGetProperty("wait", out JsonElement wait) || wait.ValueKind != JsonValueKind.True)
        {
            return null;
        }

        return async () =>
        {
            ControlLog.ReloadWaiting(_logger);
            ReloadOutcome outcome = await reload().ConfigureAwait(false);
            var result = new JsonObject
            {
                ["applied"] = outcome.Applied,
                ["summary"] = outcome.Summary,
                ["errors"] = new JsonArray(outcome.Errors.Select(e => (JsonNode?)JsonValue.Create(e)).ToArray()),
            };
            if (outcome.Applied)
            {
                return ControlJson.Ok(new JsonObject { ["reload"] = result });
            }

            JsonObject error = ControlJson.Error(outcome.Summary);
            error["reload"] = result;
            return error;
        };
    }

    /// <summary>The request's <c>command</c>, logged; null when the request has none (<see cref="BadRequest"/> says why).</summary>
    internal static string? CommandOf(JsonElement request, ILogger logger)
    {
        if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("command", out JsonElement command) || command.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string name = command.GetString()!;
        ControlLog.Command(logger, name);
        return name;
    }

    /// <summary>The error reply to a request without a string <c>command</c>.</summary>
    internal static JsonObject BadRequest(JsonElement request) => request.ValueKind != JsonValueKind.Object
        ? ControlJson.Error("a request is a JSON object: {\"command\":\"…\"}")
        : ControlJson.Error("missing \"command\"");

    /// <summary><c>ping</c>: the wall clock in milliseconds.</summary>
    internal static JsonObject Ping() => ControlJson.Ok(new JsonObject { ["ts_ms"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() });

    /// <summary><c>info</c>: version, pid, uptime, start time, configuration file, working directory, log destination.</summary>
    internal static JsonObject Info(DateTimeOffset startedAt, long startedTicks, string configPath) => ControlJson.Ok(new JsonObject
    {
        ["version"] = VersionInfo.Version,
        ["pid"] = Environment.ProcessId,
        ["uptime_sec"] = Math.Max(0, (Environment.TickCount64 - startedTicks) / 1000),
        ["started_at_sec"] = startedAt.ToUnixTimeSeconds(),
        ["config_path"] = configPath,
        ["working_dir"] = Environment.CurrentDirectory,
        ["log_destination"] = "stderr",
    });

    private JsonObject StatsSummary()
    {
        EngineTotals totals = _target.Engine.GetTotals();
        (long monoSec, long monoNsec) = HostLibC.Now(HostLibC.ClockMonotonic);
        (long wallSec, long wallNsec) = HostLibC.Now(HostLibC.ClockRealtime);
        CaptureCounterSnapshot c = totals.Capture;
        OutputCounterSnapshot o = totals.Outputs;
        PipelineBufferUsage b = totals.Buffer;
        return ControlJson.Ok(new JsonObject
        {
            ["time"] = new JsonObject { ["sec"] = monoSec, ["nsec"] = monoNsec },
            ["wall_time"] = new JsonObject { ["sec"] = wallSec, ["nsec"] = wallNsec },
            ["capture"] = new JsonObject
            {
                ["cap_bytes"] = ControlJson.Bytes(ControlJson.Total(c.Bytes)),
                ["cap_packets"] = ControlJson.Packets(ControlJson.Total(c.Packets)),
                ["drop_packets"] = ControlJson.Packets(ControlJson.Total(c.KernelDrops)),
                ["ifdrop_packets"] = ControlJson.Packets(ControlJson.Total(c.InterfaceDrops)),
            },
            ["output"] = new JsonObject
            {
                ["fwd_bytes"] = ControlJson.Bytes(ControlJson.Total(o.ForwardedBytes)),
                ["fwd_packets"] = ControlJson.Packets(ControlJson.Total(o.ForwardedPackets)),
                ["direction_drop_bytes"] = ControlJson.Bytes(ControlJson.Total(o.DirectionDropBytes)),
                ["direction_drop_packets"] = ControlJson.Packets(ControlJson.Total(o.DirectionDropPackets)),
                ["ratelimit_drop_bytes"] = ControlJson.Bytes(ControlJson.Total(o.RateLimitDropBytes)),
                ["ratelimit_drop_packets"] = ControlJson.Packets(ControlJson.Total(o.RateLimitDropPackets)),
                ["error_drop_bytes"] = ControlJson.Bytes(ControlJson.Total(o.ErrorDropBytes)),
                ["error_drop_packets"] = ControlJson.Packets(ControlJson.Total(o.ErrorDropPackets)),
                ["heartbeat_packets"] = ControlJson.Packets(ControlJson.Total(o.HeartbeatPackets)),
            },
            ["pipeline_buffer"] = new JsonObject
            {
                ["mem_total"] = b.MemTotal,
                ["mem_used"] = b.MemUsed,
                ["ring_total"] = b.RingTotal,
                ["ring_used"] = b.RingUsed,
            },
        });
    }

    private JsonObject Tasks()
    {
        var tasks = new JsonArray();
        foreach (TaskSnapshot s in _target.Engine.GetStatus())
        {
            var outputs = new JsonArray();
            foreach (OutputStatus o in s.Outputs)
            {
                OutputCounterSnapshot c = o.Counters;
                outputs.Add(new JsonObject
                {
                    ["name"] = o.Name,
                    ["type"] = o.Type,
                    ["fwd_packets"] = c.ForwardedPackets,
                    ["fwd_bytes"] = c.ForwardedBytes,
                    ["direction_drop_packets"] = c.DirectionDropPackets,
                    ["direction_drop_bytes"] = c.DirectionDropBytes,
                    ["ratelimit_drop_packets"] = c.RateLimitDropPackets,
                    ["ratelimit_drop_bytes"] = c.RateLimitDropBytes,
                    ["error_drop_packets"] = c.ErrorDropPackets,
                    ["error_drop_bytes"] = c.ErrorDropBytes,
                    ["heartbeat_packets"] = c.HeartbeatPackets,
                    ["socket_datagrams"] = c.SocketDatagrams,
                    ["ring_datagrams"] = c.RingDatagrams,
                });
            }

            var task = new JsonObject
            {
                ["name"] = s.Name,
                ["fingerprint"] = s.Fingerprint ?? "",
                ["state"] = s.State.ToString().ToLowerInvariant(),
                ["capture"] = new JsonObject
                {
                    ["cap_packets"] = s.Capture.Packets,
                    ["cap_bytes"] = s.Capture.Bytes,
                    ["drop_packets"] = s.Capture.KernelDrops,
                    ["ifdrop_packets"] = s.Capture.InterfaceDrops,
                },
                ["pipeline_buffer"] = new JsonObject
                {
                    ["mem_total"] = s.Buffer.MemTotal,
                    ["mem_used"] = s.Buffer.MemUsed,
                    ["ring_total"] = s.Buffer.RingTotal,
                    ["ring_used"] = s.Buffer.RingUsed,
                },
                ["outputs"] = outputs,
            };
            if (s.Error is not null)
            {
                task["error"] = s.Error;
            }

            if (s.CaptureThreads.Count > 1)
            {
                // Only with fanout capture threads, so a one-thread task answers as the C implementation does.
                var threads = new JsonArray();
                foreach (CaptureCounterSnapshot t in s.CaptureThreads)
                {
                    threads.Add(new JsonObject
                    {
                        ["cap_packets"] = t.Packets,
                        ["cap_bytes"] = t.Bytes,
                        ["drop_packets"] = t.KernelDrops,
                        ["ifdrop_packets"] = t.InterfaceDrops,
                    });
                }

                ((JsonObject)task["capture"]!)["threads"] = threads;
            }

            tasks.Add(task);
        }

        return ControlJson.Ok(new JsonObject { ["tasks"] = tasks });
    }

    /// <summary><c>set_log_level</c>: sets <paramref name="level"/> from the request's <c>level</c>.</summary>
    internal static JsonObject SetLogLevel(JsonElement request, LogLevelSwitch level, ILogger logger)
    {
        string? text = request.TryGetProperty("level", out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (!LogLevelSwitch.TryParse(text, out LogLevel parsed))
        {
            return ControlJson.Error(text is null
                ? "set_log_level needs \"level\": DEBUG, INFO, WARN or ERROR"
                : $"invalid level \"{text}\": expected DEBUG, INFO, WARN or ERROR");
        }

        level.Level = parsed;
        ControlLog.LogLevelSet(logger, LogLevelSwitch.Name(parsed));
        return ControlJson.Ok(new JsonObject { ["level"] = LogLevelSwitch.Name(parsed) });
    }
}
