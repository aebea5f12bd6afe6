using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Control;
using Cpworker.Host.Daemon;
using Cpworker.Host.Recv;

namespace Cpworker.Host.Cli;

/// <summary>
/// <c>cpworker ctl [--socket PATH | -c FILE] ping|info|stats|tasks|reload|log-level LEVEL|shutdown</c>
/// (docs/operations.md, "cpworker ctl"): human-readable output, <c>--json</c> for the raw replies; exit code 1 with the
/// reason on stderr when the daemon cannot be reached or answers with an error. <c>ping</c>, <c>info</c>,
/// <c>stats</c>, <c>log-level</c> and <c>shutdown</c> also talk to <c>cpworker recv</c> (docs/recv.md, "Counters and metrics").
/// </summary>
internal static class CtlCommand
{
    /// <summary>Where the socket is when neither <c>--socket</c> nor <c>--config</c> says.</summary>
    public const string DefaultSocket = "/var/run/cloud-probe/cpworker.sock";

    /// <summary>Builds the <c>ctl</c> command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var ctl = new Command("ctl", "Query and steer a running cpworker (or cpworker recv) through its control socket.");
        var socket = new Option<string?>("--socket", "-s") { Description = $"Control socket (default: control.unix.path of --config, else {DefaultSocket}).", HelpName = "PATH", Recursive = true };
        var config = new Option<string?>("--config", "-c") { Description = "Read the socket path from this configuration file.", HelpName = "FILE", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the daemon's raw JSON replies.", Recursive = true };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the daemon.", DefaultValueFactory = _ => 5, HelpName = "SECONDS", Recursive = true };
        ctl.Options.Add(socket);
        ctl.Options.Add(config);
        ctl.Options.Add(json);
        ctl.Options.Add(timeout);
        var ctx = new Context(stdout, stderr, socket, config, json, timeout);

        Add(ctl, ctx, "ping", "Check that the daemon answers.", (c, p, t) => Simple(ctx, c, p, "ping", r => $"pong: ts_ms {r["ts_ms"]}", null, t));
        Add(ctl, ctx, "info", "Version, pid, uptime, config file of the daemon.", (c, p, t) => Simple(ctx, c, p, "info", FormatInfo, null, t));
        Add(ctl, ctx, "tasks", "Every task's state and counters.", (c, p, t) => Simple(ctx, c, p, "tasks", FormatTasks, null, t));
        Add(ctl, ctx, "reload", "Re-read the configuration file and report the outcome (exit 1 when it failed).", (c, p, t) => ReloadAsync(ctx, c, p, t));
        Add(ctl, ctx, "shutdown", "Stop the daemon gracefully (as SIGTERM).", (c, p, t) => Simple(ctx, c, p, "shutdown", _ => "shutdown requested", null, t));

        var level = new Argument<string>("LEVEL") { Description = "DEBUG, INFO, WARN or ERROR." };
        level.CompletionSources.Add("DEBUG", "INFO", "WARN", "ERROR");
        var logLevel = new Command("log-level", "Change the daemon's log level now.");
        logLevel.Arguments.Add(level);
        logLevel.SetAction((p, t) => ctx.Guard(p, (c, ct) => Simple(ctx, c, p, "set_log_level", r => $"log level is now {r["level"]}", new JsonObject { ["level"] = p.GetValue(level) }, ct), t));
        ctl.Subcommands.Add(logLevel);

        var interval = new Option<double>("--interval", "-i") { Description = "Repeat every N seconds, with per-second rates, until Ctrl-C.", HelpName = "N" };
        var count = new Option<int>("--count", "-n") { Description = "With --interval: stop after this many screens (0 = until Ctrl-C).", HelpName = "N" };
        var stats = new Command("stats", "Counters per task and output (recv: per listener and sender), and totals since start.");
        stats.Options.Add(interval);
        stats.Options.Add(count);
        stats.SetAction((p, t) => ctx.Guard(p, (c, ct) => StatsAsync(ctx, c, p, p.GetValue(interval), p.GetValue(count), ct), t));
        ctl.Subcommands.Add(stats);
        return ctl;
    }

    private static void Add(Command ctl, Context ctx, string name, string description, Func<ControlClient, ParseResult, CancellationToken, Task<int>> run)
    {
        var command = new Command(name, description);
        command.SetAction((p, t) => ctx.Guard(p, (c, ct) => run(c, p, ct), t));
        ctl.Subcommands.Add(command);
    }

    private static async Task<int> Simple(Context ctx, ControlClient client, ParseResult parse, string command, Func<JsonObject, string> format, JsonObject? arguments, CancellationToken cancellationToken)
    {
        (JsonObject reply, string line) = await client.CommandRawAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        if ((string?)reply["status"] != "OK")
        {
            await ctx.Stderr.WriteLineAsync($"cpworker ctl: {command}: {reply["message"]?.GetValue<string>() ?? line}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        await ctx.Stdout.WriteLineAsync(parse.GetValue(ctx.Json) ? line : format(reply)).ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>
    /// Asks for a reload with <c>"wait": true</c> and reports its outcome: exit 0 when applied, 1 with
    /// every error when not. A daemon that ignores <c>wait</c> (the C implementation) answers OK
    /// at once, without a <c>reload</c> object: then only its log knows.
    /// </summary>
    private static async Task<int> ReloadAsync(Context ctx, ControlClient client, ParseResult parse, CancellationToken cancellationToken)
    {
        (JsonObject reply, string line) = await client.CommandRawAsync("reload_config", new JsonObject { ["wait"] = true }, cancellationToken).ConfigureAwait(false);
        bool ok = (string?)reply["status"] == "OK";
        if (parse.GetValue(ctx.Json))
        {
            await (ok ? ctx.Stdout : ctx.Stderr).WriteLineAsync(line).ConfigureAwait(false);
            return ok ? ExitCodes.Ok : ExitCodes.Failure;
        }

        if (reply["reload"] is not JsonObject outcome)
        {
            if (!ok)
            {
                await ctx.Stderr.WriteLineAsync($"cpworker ctl: reload_config: {reply["message"]?.GetValue<string>() ?? line}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }

            await ctx.Stdout.WriteLineAsync("reload requested; this daemon does not report the outcome: its log says \"reload complete\" or \"reload failed: …\"").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        string summary = outcome["summary"]?.GetValue<string>() ?? "";
        if (ok)
        {
            await ctx.Stdout.WriteLineAsync(summary).ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        await ctx.Stderr.WriteLineAsync($"cpworker ctl: {summary}").ConfigureAwait(false);
        foreach (JsonNode? e in outcome["errors"] as JsonArray ?? [])
        {
            await ctx.Stderr.WriteLineAsync($"  {e?.GetValue<string>()}").ConfigureAwait(false);
        }

        return ExitCodes.Failure;
    }

    private static async Task<int> StatsAsync(Context ctx, ControlClient client, ParseResult parse, double interval, int count, CancellationToken cancellationToken)
    {
        bool json = parse.GetValue(ctx.Json);
        bool recv = await IsRecvAsync(client, cancellationToken).ConfigureAwait(false);
        StatsReading? previous = null;
        long previousAt = 0;
        for (int screen = 1; ; screen++)
        {
            StatsReading? reading = await ReadStatsAsync(ctx, client, recv, cancellationToken).ConfigureAwait(false);
            long now = Stopwatch.GetTimestamp();
            if (reading is null)
            {
                return ExitCodes.Failure;
            }

            if (json)
            {
                await ctx.Stdout.WriteLineAsync(reading.JsonLine).ConfigureAwait(false);
            }
            else
            {
                if (interval > 0)
                {
                    await ctx.Stdout.WriteLineAsync($"--- {DateTime.Now.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture)}").ConfigureAwait(false);
                }

                double seconds = previous is null ? 0 : Stopwatch.GetElapsedTime(previousAt, now).TotalSeconds;
                await ctx.Stdout.WriteAsync(recv
                    ? RecvStatsTable.Format(reading.Rows, previous?.Rows, seconds)
                    : StatsTable.Format(reading.Rows, reading.Totals, previous is null ? null : (previous.Rows, previous.Totals), seconds)).ConfigureAwait(false);
            }

            await ctx.Stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (interval <= 0 || (count > 0 && screen >= count))
            {
                return ExitCodes.Ok;
            }

            previous = reading;
            previousAt = now;
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(interval), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Ok; // Ctrl-C ends a repeating screen normally
            }
        }
    }

    /// <summary>True when the socket is <c>cpworker recv</c>'s: its <c>info</c> says <c>"program":"recv"</c> (the daemon's, like the C one's, has no <c>program</c>).</summary>
    private static async Task<bool> IsRecvAsync(ControlClient client, CancellationToken cancellationToken)
    {
        (JsonObject info, _) = await client.CommandRawAsync("info", null, cancellationToken).ConfigureAwait(false);
        return IsRecv(info);
    }

    private static bool IsRecv(JsonObject info) =>
        (string?)info["status"] == "OK" && info["program"] is JsonValue p && p.TryGetValue(out string? name) && name == RecvControlCommands.Program;

    /// <summary>One reading of the counters, or null (the reason on stderr) when the process answered with an error.</summary>
    private static async Task<StatsReading?> ReadStatsAsync(Context ctx, ControlClient client, bool recv, CancellationToken cancellationToken)
    {
        if (recv)
        {
            (JsonObject stats, string line) = await client.CommandRawAsync(RecvControlCommands.StatsCommand, null, cancellationToken).ConfigureAwait(false);
            return await FailedAsync(ctx, stats, RecvControlCommands.StatsCommand).ConfigureAwait(false) ? null : new StatsReading(line, stats, stats);
        }

        // Rows first, totals second: the totals then never show less than the rows they sum.
        (JsonObject tasks, _) = await client.CommandRawAsync("tasks", null, cancellationToken).ConfigureAwait(false);
        (JsonObject summary, string summaryLine) = await client.CommandRawAsync("collect_stats_summary", null, cancellationToken).ConfigureAwait(false);
        foreach ((JsonObject reply, string command) in new[] { (summary, "collect_stats_summary"), (tasks, "tasks") })
        {
            if (await FailedAsync(ctx, reply, command).ConfigureAwait(false))
            {
                return null;
            }
        }

        return new StatsReading(summaryLine, tasks, summary);
    }

    private static async Task<bool> FailedAsync(Context ctx, JsonObject reply, string command)
    {
        if ((string?)reply["status"] == "OK")
        {
            return false;
        }

        await ctx.Stderr.WriteLineAsync($"cpworker ctl: {command}: {reply["message"]?.GetValue<string>()}").ConfigureAwait(false);
        return true;
    }

    private static string FormatInfo(JsonObject r)
    {
        long uptime = r["uptime_sec"]?.GetValue<long>() ?? 0;
        long started = r["started_at_sec"]?.GetValue<long>() ?? 0;
        bool recv = IsRecv(r);
        var lines = new List<string>
        {
            $"version          {r["version"]}{(recv ? " (cpworker recv)" : "")}",
            $"pid              {r["pid"]}",
            $"uptime           {TimeSpan.FromSeconds(uptime):d\\.hh\\:mm\\:ss}",
            $"started at       {DateTimeOffset.FromUnixTimeSeconds(started).ToLocalTime():yyyy-MM-ddTHH:mm:sszzz}",
            $"config           {(recv && r["config_path"]?.GetValue<string>() is "" ? "(command-line options)" : r["config_path"])}",
            $"working dir      {r["working_dir"]}",
            $"log destination  {r["log_destination"]}",
        };
        if (recv)
        {
            foreach (JsonNode? listener in r["listeners"] as JsonArray ?? [])
            {
                lines.Add($"listener         {listener}");
            }

            lines.Add($"output           {r["output"]}");
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string FormatTasks(JsonObject r)
    {
        var lines = new List<string> { string.Format(CultureInfo.InvariantCulture, "{0,-22} {1,-9} {2,-20} {3,14} {4,8}  {5}", "NAME", "STATE", "FINGERPRINT", "CAPTURED", "OUTPUTS", "ERROR") };
        foreach (JsonNode? node in r["tasks"] as JsonArray ?? [])
        {
            if (node is JsonObject t)
            {
                lines.Add(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,-22} {1,-9} {2,-20} {3,14} {4,8}  {5}",
                    t["name"],
                    t["state"],
                    t["fingerprint"]?.GetValue<string>() is { Length: > 0 } f ? f : "-",
                    StatsTable.Value(t["capture"]?["cap_packets"]),
                    (t["outputs"] as JsonArray)?.Count ?? 0,
                    t["error"]?.GetValue<string>() ?? "").TrimEnd());
                int thread = 0;
                foreach (JsonNode? c in t["capture"]?["threads"] as JsonArray ?? [])
                {
                    // Fanout capture threads (libpcap.threads): one line each under their task.
                    lines.Add(string.Format(
                        CultureInfo.InvariantCulture,
                        "  capture thread {0,-4} captured {1,14}  kernel drops {2}",
                        thread++,
                        StatsTable.Value(c?["cap_packets"]),
                        StatsTable.Value(c?["drop_packets"])));
                }
            }
        }

        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>One reading of the counters: the reply <c>--json</c> prints, the reply the rows come from, and the one the totals come from (recv: the same).</summary>
    private sealed record StatsReading(string JsonLine, JsonObject Rows, JsonObject Totals);

    /// <summary>The options shared by every subcommand, and the writers.</summary>
    private sealed record Context(TextWriter Stdout, TextWriter Stderr, Option<string?> Socket, Option<string?> Config, Option<bool> Json, Option<double> Timeout)
    {
        /// <summary>Resolves the socket, connects, runs the subcommand; every failure is exit code 1 with the reason on stderr.</summary>
        public async Task<int> Guard(ParseResult parse, Func<ControlClient, CancellationToken, Task<int>> run, CancellationToken cancellationToken)
        {
            using var interrupted = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c =>
            {
                c.Cancel = true;
                interrupted.Cancel();
            });
            try
            {
                string path = ResolveSocket(parse.GetValue(Socket), parse.GetValue(Config));
                TimeSpan timeout = TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(Timeout)));
                using ControlClient client = await ControlClient.ConnectAsync(path, timeout, interrupted.Token).ConfigureAwait(false);
                return await run(client, interrupted.Token).ConfigureAwait(false);
            }
            catch (ControlClientException ex)
            {
                await Stderr.WriteLineAsync($"cpworker ctl: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidCastException or KeyNotFoundException or NullReferenceException)
            {
                // A JSON reply of the wrong shape (a field of another type, one missing): not a cpworker of this protocol.
                await Stderr.WriteLineAsync("cpworker ctl: the reply does not have the form of cpworker's control protocol (is this a cpworker control socket, of a compatible version?)").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                await Stderr.WriteLineAsync("cpworker ctl: interrupted").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
        }
    }

    /// <summary>The socket to use: <c>--socket</c>, else the config's <c>control.unix.path</c>, else the default.</summary>
    internal static string ResolveSocket(string? socket, string? config)
    {
        if (!string.IsNullOrEmpty(socket))
        {
            return socket;
        }

        if (string.IsNullOrEmpty(config))
        {
            return DefaultSocket;
        }

        byte[] bytes;
        try
        {
            // Never opened when it is not a regular file: a FIFO would block ctl in open.
            if (ReplayFile.NotRegular(config) is { } kind)
            {
                throw new ControlClientException($"cannot read the control socket path from {config}: it is {kind}, not a regular file");
            }

            bytes = File.ReadAllBytes(config);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ControlClientException($"cannot read the control socket path from {config}: {PathErrors.Describe(ex, config)}");
        }

        (string? found, string? syntaxError) = ControlPathScanner.Find(bytes);
        if (found is not null)
        {
            return found;
        }

        if (syntaxError is not null)
        {
            // The error came before control.unix.path (or there is none): the socket cannot be known from this file.
            throw new ControlClientException($"cannot read the control socket path from {config}: {syntaxError}; give the socket with --socket PATH");
        }

        throw new ControlClientException($"{config} has no control.unix.path: the daemon has no control socket");
    }
}
