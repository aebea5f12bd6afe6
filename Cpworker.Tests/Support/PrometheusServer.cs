using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Cpworker.Tests.Support;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>, installed by <c>./build.sh</c>) scraping one
/// target every second, on loopback ports the OS had free, its data under a test directory; its HTTP
/// API answers instant queries. Killed on dispose.
/// </summary>
internal sealed class PrometheusServer : IDisposable
{
    /// <summary>Where Debian installs it.</summary>
    public const string Binary = "/usr/bin/prometheus";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private PrometheusServer(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.ErrorDataReceived += (_, e) => _log.Enqueue(e.Data ?? "");
        _process.OutputDataReceived += (_, e) => _log.Enqueue(e.Data ?? "");
        _process.BeginErrorReadLine(); // drained, so that its log never fills the pipe and blocks it
        _process.BeginOutputReadLine();
    }

    /// <summary>The port of its HTTP API.</summary>
    public int Port { get; }

    /// <summary>Its last log lines, for assertion messages.</summary>
    public string Log => string.Join("\n", _log.TakeLast(20));

    /// <summary>Starts Prometheus scraping <c>http://127.0.0.1:<paramref name="targetPort"/>/metrics</c> as job <paramref name="job"/>.</summary>
    public static PrometheusServer Start(string directory, string job, int targetPort)
    {
        int port = TestSockets.FreeTcpPort();
        File.WriteAllText(Path.Combine(directory, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: {job}
                scrape_interval: 1s
                static_configs:
                  - targets: ['127.0.0.1:{targetPort}']
            """);
        Process process = Run.Start(Binary,
            $"--config.file={directory}/prometheus.yml --storage.tsdb.path={directory}/tsdb --web.listen-address=127.0.0.1:{port}");
        return new PrometheusServer(process, port);
    }

    /// <summary>The value of an instant query that returns one series; null when it returns none or several, or Prometheus is not up yet.</summary>
    public async Task<string?> QueryAsync(string query)
    {
        try
        {
            string body = await _http.GetStringAsync($"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(query)}");
            JsonNode? result = JsonNode.Parse(body)?["data"]?["result"];
            return result is JsonArray { Count: 1 } a ? (string?)a[0]!["value"]![1] : null;
        }
        catch (HttpRequestException)
        {
            return null; // not up yet
        }
    }

    /// <summary>Polls <paramref name="query"/> until it returns <paramref name="expected"/>; the last value seen.</summary>
    public string? WaitFor(string query, string expected, int timeoutMs = 60_000)
    {
        string? value = null;
        Run.Until(() => (value = QueryAsync(query).GetAwaiter().GetResult()) == expected, timeoutMs, pollMs: 500);
        return value;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        _http.Dispose();
    }
}
