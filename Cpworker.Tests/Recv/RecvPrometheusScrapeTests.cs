using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// recv from a config file with <c>control</c> and <c>metrics.prometheus.listen</c>, as the daemon's
/// (docs/recv.md, "Counters and metrics"): a real Prometheus server scrapes the real recv, and its
/// numbers are the ones the real <c>cpworker ctl -c FILE stats --json</c> reads from recv's socket.
/// </summary>
[NonParallelizable]
[CancelAfter(180_000)]
public sealed class RecvPrometheusScrapeTests : DaemonTestBase
{
    [Test]
    public async Task A_real_Prometheus_scrapes_recvs_per_sender_counters_and_ctl_c_reads_the_same()
    {
        Assume.That(File.Exists(PrometheusServer.Binary), Is.True, "Debian's prometheus (./build.sh installs it)");
        int metricsPort = TestSockets.FreeTcpPort();
        string config = WriteConfig(new
        {
            receivers = new object[] { new { type = "vxlan", listen = "127.0.0.1:0", vni = "vni2" } },
            output = new { type = "file", file = Path.Combine(Dir, "out.pcapng") },
            stats_interval_s = 0,
            control = new { type = "unix", unix = new { path = Path.Combine(Dir, "recv.sock") } },
            metrics = new { prometheus = new { listen = $"127.0.0.1:{metricsPort}" } },
        }, "recv.json");
        using var recv = new RecvProcess($"recv -c {config}");
        recv.WaitReady();
        Assert.That(recv.Output, Does.Contain($"metrics: Prometheus endpoint http://127.0.0.1:{metricsPort}/metrics"));
        var target = new IPEndPoint(IPAddress.Loopback, recv.PortOf("vxlan"));

        // Two senders (two source ports), 25 and 15 frames of different sizes, and 2 malformed datagrams.
        long bytes = 0;
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        for (int i = 0; i < 40; i++)
        {
            byte[] frame = new byte[60 + i];
            frame[12] = 0x08;
            bytes += frame.Length;
            byte[] d = new byte[200];
            int n = VxlanFormat.Write(d, frame, VniKind.Vni2, 0x2100, (PacketDirection)(1 + (i % 2)), false, 0);
            (i < 25 ? a : b).SendTo(d.AsSpan(0, n), target);
        }

        a.SendTo(new byte[] { 0xFF, 1, 2 }, target);
        a.SendTo(new byte[] { 0x08, 0, 0 }, target);

        using var prometheus = PrometheusServer.Start(Dir, "recv", metricsPort);
        string? packets = prometheus.WaitFor("sum(cpworker_recv_packets_total{job=\"recv\"})", "40");
        Assert.That(packets, Is.EqualTo("40"), prometheus.Log + "\n" + recv.Output);
        Assert.That(prometheus.WaitFor("sum(cpworker_recv_malformed_total{job=\"recv\"})", "2", 10_000), Is.EqualTo("2"));
        string? scrapedBytes = await prometheus.QueryAsync("sum(cpworker_recv_bytes_total{job=\"recv\"})");
        string? senders = await prometheus.QueryAsync("count(cpworker_recv_packets_total{job=\"recv\",tag=\"vni2 0x2100\"})");
        string? fromA = await prometheus.QueryAsync($"cpworker_recv_packets_total{{job=\"recv\",sender=\"{a.LocalEndPoint}\",tag=\"vni2 0x2100\"}}");

        // The same counters through recv's control socket, found through the config file.
        (int code, string stdout, string stderr) = CtlProcess.Run("-c", config, "stats", "--json");
        Assert.That(code, Is.Zero, stderr);
        JsonArray rows = JsonNode.Parse(stdout)!["receivers"]![0]!["senders"]!.AsArray();
        long ctlPackets = rows.Sum(r => (long)r!["packets"]!);
        long ctlBytes = rows.Sum(r => (long)r!["bytes"]!);
        long ctlFromA = rows.Where(r => (string?)r!["sender"] == a.LocalEndPoint!.ToString() && (string?)r!["tag"] == "vni2 0x2100").Sum(r => (long)r!["packets"]!);
        TestContext.Out.WriteLine($"Prometheus sum(cpworker_recv_packets_total) = {packets}; ctl -c recv.json stats: {ctlPackets}");
        TestContext.Out.WriteLine($"Prometheus sum(cpworker_recv_bytes_total) = {scrapedBytes}; ctl: {ctlBytes}; sent: {bytes}");
        Assert.That(long.Parse(packets!), Is.EqualTo(ctlPackets));
        Assert.That(long.Parse(scrapedBytes!), Is.EqualTo(ctlBytes).And.EqualTo(bytes));
        Assert.That((senders, fromA, ctlFromA), Is.EqualTo(("2", "25", 25L)), "one series per sender and tag");
        Assert.That(await prometheus.QueryAsync("up{job=\"recv\"}"), Is.EqualTo("1"));

        Assert.That(recv.Stop().ExitCode, Is.EqualTo(0), recv.Output);
    }
}
