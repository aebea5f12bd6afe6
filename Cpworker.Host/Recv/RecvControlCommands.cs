using System.Text.Json;
using System.Text.Json.Nodes;
using Cpworker.Host.Control;
using Cpworker.Host.Logging;
using Cpworker.Host.Recv.Transport;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>
/// What <c>cpworker recv</c> answers on its control socket (docs/recv.md, "Counters and metrics"):
/// <c>ping</c>, <c>info</c> (with <c>"program":"recv"</c>, its listeners and output),
/// <c>recv_stats</c> (the counters recv prints on SIGHUP), <c>set_log_level</c> and <c>shutdown</c>.
/// The daemon's own requests get an ERROR reply that says so; anything else is an unknown command.
/// </summary>
/// <remarks>Runs on the control server's tasks: it only reads counters and the listener list, which is complete before the server starts.</remarks>
internal sealed class RecvControlCommands : IControlHandler
{
    /// <summary>The request for the per-listener, per-sender counters.</summary>
    public const string StatsCommand = "recv_stats";

    /// <summary>The value of <c>info.program</c> by which <c>cpworker ctl</c> knows it talks to recv.</summary>
    public const string Program = "recv";

    /// <summary>Requests only the daemon answers: they have no meaning in recv.</summary>
    private static readonly string[] s_daemonOnly = ["collect_stats_summary", "tasks", "reload_config"];

    private readonly IReadOnlyList<RecvListener> _listeners;
    private readonly LogLevelSwitch _level;
    private readonly Action _stop;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    private readonly long _startedTicks = Environment.TickCount64;

    /// <summary>Creates the commands over <paramref name="listeners"/> (read once the server runs).</summary>
    public RecvControlCommands(IReadOnlyList<RecvListener> listeners, LogLevelSwitch level, Action stop, ILogger logger)
    {
        _listeners = listeners;
        _level = level;
        _stop = stop;
        _logger = logger;
    }

    /// <summary>Absolute path of the configuration file; empty when recv runs from command-line options.</summary>
    public string ConfigPath { get; init; } = "";

    /// <summary>Where recv writes (as its ready line says); set before the server starts.</summary>
    public string Output { get; set; } = "";

    /// <inheritdoc/>
    public (JsonObject Reply, Action? After) Handle(JsonElement request)
    {
        if (ControlCommands.CommandOf(request, _logger) is not string name)
        {
            return (ControlCommands.BadRequest(request), null);
        }

        return name switch
        {
            "ping" => (ControlCommands.Ping(), null),
            "info" => (Info(), null),
            StatsCommand => (ControlJson.Ok(RecvStats.Build(_listeners)), null),
            "set_log_level" => (ControlCommands.SetLogLevel(request, _level, _logger), null),
            "shutdown" => (ControlJson.Ok(), _stop),
            _ when s_daemonOnly.Contains(name) => (ControlJson.Error(
                $"\"{name}\" is a request of the cpworker daemon; this is cpworker recv, which answers ping, info, {StatsCommand}, set_log_level and shutdown"), null),
            _ => (ControlJson.Error("unknown command"), null),
        };
    }

    /// <inheritdoc/>
    public Func<Task<JsonObject>>? Deferred(JsonElement request) => null;

    private JsonObject Info()
    {
        JsonObject info = ControlCommands.Info(_startedAt, _startedTicks, ConfigPath);
        info["program"] = Program;
        info["listeners"] = new JsonArray(_listeners.Select(l => (JsonNode?)JsonValue.Create(l.Name)).ToArray());
        info["output"] = Output;
        return info;
    }
}
