using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// <c>cpworker recv</c> (or the daemon) as a child process, optionally inside a network namespace
/// (<c>ip netns exec</c> execs, so the pid is cpworker's): its log lines, the ports it chose, its
/// counters (SIGHUP prints them as JSON on stdout), and a graceful stop. Killed on dispose.
/// </summary>
internal sealed partial class RecvProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr = new();
    private readonly List<string> _stdout = new();
    private readonly object _gate = new();

    /// <summary>
    /// Starts <c>cpworker ARGS</c>, in <paramref name="netns"/> when given; with
    /// <paramref name="sighupIgnored"/> from a shell that ignores SIGHUP first, as <c>nohup</c> does.
    /// </summary>
    public RecvProcess(string args, string? netns = null, bool sighupIgnored = false)
    {
        string dotnet = $"dotnet \"{DaemonProcess.DllPath}\" {args}";
        _process = sighupIgnored ? Run.Start("sh", $"-c \"trap '' HUP; exec {dotnet.Replace("\"", "\\\"", StringComparison.Ordinal)}\"")
            : netns is null ? Run.Start("dotnet", $"\"{DaemonProcess.DllPath}\" {args}") : Run.Start("ip", $"netns exec {netns} {dotnet}");
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Everything it wrote, for messages.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join('\n', _stderr) + "\n--- stdout ---\n" + string.Join('\n', _stdout);
            }
        }
    }

    /// <summary>Waits for the ready line and returns the "listening on" lines.</summary>
    public List<string> WaitReady(int timeoutMs = 20_000)
    {
        Assert.That(Run.Until(() => Lines(_stderr).Any(l => l.Contains(" ready (pid", StringComparison.Ordinal)) || _process.HasExited, timeoutMs, 10), Is.True, "recv starts\n" + Output);
        Assert.That(_process.HasExited, Is.False, "recv runs\n" + Output);
        return Lines(_stderr).Where(l => l.Contains("listening on ", StringComparison.Ordinal)).ToList();
    }

    /// <summary>The port of the first listener whose line contains <paramref name="kind"/> (<c>vxlan</c>, <c>zmq</c>).</summary>
    public int PortOf(string kind)
    {
        string line = Lines(_stderr).First(l => l.Contains("listening on " + kind, StringComparison.Ordinal));
        return int.Parse(PortPattern().Match(line).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Asks for the counters (SIGHUP) and returns the newest JSON printed; null if none came in time.</summary>
    public JsonObject? Stats(int timeoutMs = 5_000)
    {
        int before = Lines(_stdout).Count;
        Run.Command("kill", $"-HUP {_process.Id}", 5_000);
        Run.Until(() => Lines(_stdout).Count > before, timeoutMs, 10);
        string? last = Lines(_stdout).LastOrDefault(l => l.StartsWith('{'));
        return last is null ? null : (JsonObject?)JsonNode.Parse(last);
    }

    /// <summary>Polls the counters until <paramref name="condition"/> holds; returns the last ones.</summary>
    public JsonObject WaitStats(Func<JsonObject, bool> condition, int timeoutMs = 20_000)
    {
        JsonObject? last = null;
        Run.Until(() => (last = Stats()) is not null && condition(last), timeoutMs, 200);
        Assert.That(last, Is.Not.Null, "recv prints its counters\n" + Output);
        return last!;
    }

    /// <summary>SIGTERM, wait for the exit; returns the exit code and the final counters.</summary>
    public (int? ExitCode, JsonObject? Stats) Stop(int timeoutMs = 10_000)
    {
        Run.Command("kill", $"-TERM {_process.Id}", 5_000);
        if (!_process.WaitForExit(timeoutMs))
        {
            return (null, null);
        }

        _process.WaitForExit();
        string? last = Lines(_stdout).LastOrDefault(l => l.StartsWith('{'));
        return (_process.ExitCode, last is null ? null : (JsonObject?)JsonNode.Parse(last));
    }

    /// <summary>Waits for the exit (a daemon with --exit-at-eof).</summary>
    public int? WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs))
        {
            return null;
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Packets counted for the senders of listener <paramref name="listenerKind"/> whose tag is <paramref name="tag"/>.</summary>
    public static long Packets(JsonObject stats, string listenerKind, string? tag = null, string counter = "packets") =>
        stats["receivers"]!.AsArray()
            .Where(r => r!["listener"]!.GetValue<string>().StartsWith(listenerKind, StringComparison.Ordinal))
            .SelectMany(r => r!["senders"]!.AsArray())
            .Where(s => tag is null || s!["tag"]!.GetValue<string>() == tag)
            .Sum(s => s![counter]!.GetValue<long>());

    /// <summary>Malformed inputs of listener <paramref name="listenerKind"/>, by reason (<c>total</c> for all).</summary>
    public static long Malformed(JsonObject stats, string listenerKind, string reason = "total") =>
        stats["receivers"]!.AsArray()
            .Where(r => r!["listener"]!.GetValue<string>().StartsWith(listenerKind, StringComparison.Ordinal))
            .Sum(r => r!["malformed"]![reason]!.GetValue<long>());

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    [GeneratedRegex(@":(\d+)\s*$")]
    private static partial Regex PortPattern();

    private void Add(List<string> list, string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                list.Add(line);
            }
        }
    }

    private List<string> Lines(List<string> list)
    {
        lock (_gate)
        {
            return list.ToList();
        }
    }
}
