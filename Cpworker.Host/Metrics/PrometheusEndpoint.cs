using System.Net;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Cpworker.Host.Metrics;

/// <summary>
/// Serves the <c>Cpworker</c> meter at <c>http://LISTEN/metrics</c> in the Prometheus text format
/// (<c>metrics.prometheus.listen</c>; docs/operations.md, "Prometheus"), through the OpenTelemetry
/// SDK and its Prometheus HttpListener exporter. The instruments are observable: a scrape reads the
/// counters, the packet path does nothing for it.
/// </summary>
internal sealed class PrometheusEndpoint : IDisposable
{
    private readonly MeterProvider _provider;

    private PrometheusEndpoint(MeterProvider provider, string url)
    {
        _provider = provider;
        Url = url;
    }

    /// <summary>The scrape URL.</summary>
    public string Url { get; }

    /// <summary>
    /// Starts listening on <paramref name="listen"/> (<c>HOST:PORT</c>, as validated); null, with the
    /// reason logged, when it cannot (the daemon runs on without metrics).
    /// </summary>
    public static PrometheusEndpoint? TryStart(string listen, ILogger logger)
    {
        int colon = listen.LastIndexOf(':');
        string host = listen[..colon];
        int port = int.Parse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        string bare = host.Trim('[', ']');
        if (!IPAddress.TryParse(bare, out _))
        {
            // HttpListener says only "The request is not supported." for a name it cannot resolve.
            try
            {
                Dns.GetHostAddresses(bare);
            }
            catch (System.Net.Sockets.SocketException ex)
            {
                MetricsLog.CannotListen(logger, listen, $"cannot resolve host name \"{bare}\": {ex.Message}");
                return null;
            }
        }

        try
        {
            MeterProvider provider = Sdk.CreateMeterProviderBuilder()
                .AddMeter(CpworkerMetrics.MeterName)
                .AddPrometheusHttpListener(o =>
                {
                    o.Host = host is "0.0.0.0" or "[::]" ? "*" : host; // HttpListener's form of "every address"
                    o.Port = port;
                    o.ScrapeEndpointPath = "/metrics";
                    o.ScrapeResponseCacheDurationMilliseconds = 0; // a scrape shows the counters of that moment, as ctl stats does
                })
                .Build();
            string url = $"http://{listen}/metrics";
            MetricsLog.Listening(logger, url);
            return new PrometheusEndpoint(provider, url);
        }
        catch (Exception ex) when (ex is HttpListenerException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            string why = ex.InnerException is HttpListenerException inner ? inner.Message : ex.Message;
            MetricsLog.CannotListen(logger, listen, why);
            return null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _provider.Dispose();
}
