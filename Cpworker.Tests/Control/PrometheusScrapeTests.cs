using System.Text.Json.Nodes;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// <c>metrics.prometheus.listen</c> (docs/operations.md, "Prometheus"): a real Prometheus server
/// (Debian's <c>prometheus</c>) scrapes the real daemon, and its HTTP API returns the numbers
/// <c>ctl stats</c> shows.
/// </summary>
[CancelAfter(120_000)]
[NonParallelizable]
public class PrometheusScrapeTests
{
    private static (int Code, string Stdout) Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cpworker.Host.Cli.CommandLine.Run(["ctl", .. args], stdout, stderr);
        return (code, stdout.ToString() + stderr);
    }

    [Test]
    public async Task A_real_Prometheus_scrapes_the_same_numbers_as_ctl_stats()
    {
        Assume.That(File.Exists(PrometheusServer.Binary), Is.True, "Debian's prometheus (./build.sh installs it)");
        string dir = ControlFixture.NewDirectory();
        PrometheusServer? prometheus = null;
        try
        {
            var pcap = new PcapBuilder();
            for (int i = 0; i < 1500; i++)
            {
                pcap.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
            }

            string input = pcap.WriteTo(Path.Combine(dir, "in.pcap"));
            int metricsPort = TestSockets.FreeTcpPort();
            string socket = Path.Combine(dir, "ctl.sock");
            string config = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(config,
                $"{{\"control\":{{\"type\":\"unix\",\"unix\":{{\"path\":\"{socket}\"}}}},\"metrics\":{{\"prometheus\":{{\"listen\":\"127.0.0.1:{metricsPort}\"}}}}," +
                $"\"tasks\":[{{\"name\":\"replay\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\"}}}},\"outputs\":[{{\"type\":\"null\"}},{{\"type\":\"null\",\"slice\":20}}]}}]}}");
            using DaemonProcess daemon = DaemonProcess.Start($"run -c \"{config}\"", dir);
            Assert.That(daemon.WaitForLine("end of file", 30_000), Is.True, daemon.Output);
            Assert.That(daemon.Lines.Any(l => l.Contains($"metrics: Prometheus endpoint http://127.0.0.1:{metricsPort}/metrics", StringComparison.Ordinal)), Is.True, daemon.Output);

            prometheus = PrometheusServer.Start(dir, "cpworker", metricsPort);
            const string forwarded = "sum(cpworker_output_packets_total{job=\"cpworker\",outcome=\"forwarded\"})";
            string? value = prometheus.WaitFor(forwarded, "3000");
            Assert.That(value, Is.EqualTo("3000"), prometheus.Log);
            Assert.That(await prometheus.QueryAsync("up{job=\"cpworker\"}"), Is.EqualTo("1"));
            string? captured = await prometheus.QueryAsync("cpworker_capture_packets_total{task=\"replay\"}");
            string? bytes = await prometheus.QueryAsync("sum(cpworker_output_bytes_total{outcome=\"forwarded\"})");

            // The same counters through the control socket.
            (int code, string stats) = Ctl("--socket", socket, "stats", "--json");
            Assert.That(code, Is.Zero, stats);
            var summary = (JsonObject)JsonNode.Parse(stats)!;
            long ctlForwarded = (long)summary["output"]!["fwd_packets"]!["packets"]!;
            long ctlCaptured = (long)summary["capture"]!["cap_packets"]!["packets"]!;
            long ctlBytes = (long)summary["output"]!["fwd_bytes"]!["bytes"]!;
            TestContext.Out.WriteLine($"Prometheus {forwarded} = {value}; ctl stats output.fwd_packets = {ctlForwarded}");
            TestContext.Out.WriteLine($"Prometheus cpworker_capture_packets_total{{task=\"replay\"}} = {captured}; ctl stats capture.cap_packets = {ctlCaptured}");
            TestContext.Out.WriteLine($"Prometheus sum(cpworker_output_bytes_total{{outcome=\"forwarded\"}}) = {bytes}; ctl stats output.fwd_bytes = {ctlBytes}");
            Assert.That(long.Parse(value!), Is.EqualTo(ctlForwarded));
            Assert.That(long.Parse(captured!), Is.EqualTo(ctlCaptured).And.EqualTo(1500));
            Assert.That(long.Parse(bytes!), Is.EqualTo(ctlBytes));

            daemon.Signal(15);
            Assert.That(daemon.WaitForExit(10_000), Is.Zero, daemon.Output);
        }
        finally
        {
            prometheus?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }
}
