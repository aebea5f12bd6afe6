using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Packets;
using Cpworker.Host.Recv;
using Cpworker.Host.Recv.Transport;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>recv from a config file (<c>"receivers"</c>, rotating output), its errors, and its counters on the <c>Cpworker</c> meter.</summary>
[NonParallelizable]
public sealed class RecvConfigAndMetricsTests : DaemonTestBase
{
    [Test]
    public void A_config_file_runs_recv_with_rotating_files_completed_on_rotation_and_stop()
    {
        string root = Path.Combine(Dir, "rot");
        string config = WriteConfig(new
        {
            receivers = new object[]
            {
                new { type = "vxlan", listen = "127.0.0.1:0", vni = "vni2" },
                new { type = "zmq", bind = "tcp://127.0.0.1:0" },
            },
            output = new { type = "rotating_file", file_root = root, max_file_interval = 1 },
            stats_interval_s = 0,
        }, "recv.json");
        using var recv = new RecvProcess($"recv -c {config}");
        Assert.That(recv.WaitReady(), Has.Count.EqualTo(2));
        int port = recv.PortOf("vxlan");
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        byte[] datagram = Datagram();
        udp.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, port));
        recv.WaitStats(s => RecvProcess.Packets(s, "vxlan") == 1);
        Assert.That(Run.Until(() => Files(root, "*.pcapng").Length >= 1, 10_000), Is.True, "a file is completed after max_file_interval");
        udp.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, port));
        recv.WaitStats(s => RecvProcess.Packets(s, "vxlan") == 2);
        Assert.That(recv.Stop().ExitCode, Is.EqualTo(0), recv.Output);
        Assert.That(Files(root, "*.part"), Is.Empty, "every file is complete after the stop");
        string[] files = Files(root, "cpworker_recv_*.pcapng");
        Assert.That(files, Has.Length.GreaterThanOrEqualTo(2));
        Assert.That(files.Sum(f => PcapngReader.Read(f).Count), Is.EqualTo(2));
    }

    [TestCase("{\"receivers\": [{\"type\": \"vxlan\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}}", "receivers[0].listen: is required")]
    [TestCase("{\"receivers\": [{\"type\": \"gre\", \"listen\": \"not-an-ip\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}}", "not an IP address")]
    [TestCase("{\"receivers\": [{\"type\": \"zmq\", \"bind\": \"tcp://127.0.0.1:0\", \"hwm\": 5}], \"output\": {\"type\": \"file\", \"file\": \"x\"}}", "receivers[0].hwm: unknown key")]
    [TestCase("{\"receivers\": [{\"type\": \"vxlan\", \"listen\": \"0\", \"vni\": \"vni3\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}}", "receivers[0].vni: must be \"vni1\" or \"vni2\"")]
    [TestCase("{\"receivers\": [], \"output\": {\"type\": \"file\", \"file\": \"x\"}}", "receivers: must be a non-empty array")]
    [TestCase("{\"receivers\": [{\"type\": \"zmq\", \"bind\": \"tcp://127.0.0.1:0\"}]}", "output: is required")]
    [TestCase("{\"receivers\": [{\"type\": \"vxlan\", \"listen\": \"0\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}, \"control\": {\"type\": \"unix\", \"unix\": {\"path\": \"\"}}}", "control.unix.path: must not be empty")]
    [TestCase("{\"receivers\": [{\"type\": \"vxlan\", \"listen\": \"0\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}, \"control\": {\"type\": \"unix\", \"unix\": {\"pth\": \"/tmp/x.sock\"}}}", "control.unix.pth: unknown key; did you mean \"path\"?")]
    [TestCase("{\"receivers\": [{\"type\": \"vxlan\", \"listen\": \"0\"}], \"output\": {\"type\": \"file\", \"file\": \"x\"}, \"metrics\": {\"prometheus\": {\"listen\": \"9464\"}}}", "metrics.prometheus.listen: \"9464\": must be HOST:PORT")]
    public void A_bad_config_file_is_refused_with_its_json_path(string json, string message)
    {
        string config = Path.Combine(Dir, "bad.json");
        File.WriteAllText(config, json);
        using var recv = new RecvProcess($"recv -c {config}");
        Assert.That(recv.WaitForExit(20_000), Is.EqualTo(2), recv.Output);
        Assert.That(recv.Output, Does.Contain(message));
    }

    [Test]
    public void The_shipped_example_reads_as_documented()
    {
        RecvOptions options = RecvConfigFile.Load(Repository.PathOf("configs", "recv", "recv.json"));
        Assert.That(options.Listeners.Select(l => l.Kind), Is.EqualTo(new[] { "vxlan", "gre", "gre", "zmq" }), "gre without listen: IPv4 and IPv6");
        Assert.That((options.Listeners[0].CaptureTime, options.Output.RotateSeconds, options.Output.MaxFiles), Is.EqualTo((true, 60, 1440)));
        Assert.That(options.ControlSocketPath, Is.EqualTo("/run/cpworker-recv/recv.sock"), "the unit's RuntimeDirectory");
        Assert.That(options.PrometheusListen, Is.Null, "off by default, as in the daemon");
    }

    [TestCase("recv --vxlan 0", "give exactly one output")]
    [TestCase("recv -w x.pcapng", "nothing to listen on")]
    [TestCase("recv --vxlan 1.2.3:4789 -w x.pcapng", "is not an IP address")]
    [TestCase("recv --zmq 127.0.0.1:5555 -w x.pcapng", "must be tcp://ADDR:PORT")]
    [TestCase("recv --vxlan 0 -w x.pcapng --prometheus-listen localhost", "--prometheus-listen: \"localhost\": must be HOST:PORT")]
    [TestCase("recv --vxlan 0 -w x.pcapng --control-socket \"\"", "--control-socket: must not be empty")]
    [TestCase("recv -c recv.json --control-socket /tmp/x.sock", "do not also give --control-socket/--prometheus-listen")]
    public void Bad_arguments_are_refused(string args, string message)
    {
        using var recv = new RecvProcess(args);
        Assert.That(recv.WaitForExit(20_000), Is.EqualTo(2), recv.Output);
        Assert.That(recv.Output, Does.Contain(message));
    }

    [Test]
    public void Per_sender_counters_are_published_on_the_Cpworker_meter()
    {
        var options = new RecvOptions
        {
            Listeners = [new ListenerSpec { Kind = "vxlan", Bind = new IPEndPoint(IPAddress.Loopback, 0), Layout = Host.Recv.Decoding.VxlanTagLayout.Vni2 }],
            Output = new RecvOutputSpec { File = Path.Combine(Dir, "m.pcapng") },
            StatsIntervalSeconds = 0,
        };
        using var host = new RecvHost(options, TextWriter.Null, TextWriter.Null) { HandleSignals = false };
        var run = Task.Run(host.Run);
        Assert.That(host.Ready.Wait(20_000), Is.True);
        var listener = (DatagramListener)host.Listeners[0];
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        string sender = udp.LocalEndPoint!.ToString()!;
        for (int i = 0; i < 3; i++)
        {
            udp.SendTo(Datagram(), listener.LocalEndPoint!);
        }

        udp.SendTo(new byte[] { 1, 2, 3 }, listener.LocalEndPoint!);
        var seen = new Dictionary<string, long>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Cpworker" && instrument.Name.StartsWith("cpworker.recv.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string key = instrument.Name;
            foreach (KeyValuePair<string, object?> t in tags)
            {
                key += $" {t.Key}={t.Value}";
            }

            lock (seen)
            {
                seen[key] = value;
            }
        });
        meters.Start();
        string packets = $"cpworker.recv.packets listener={listener.Name} sender={sender} tag=vni2 0x2100";
        string malformed = $"cpworker.recv.malformed listener={listener.Name}";
        Assert.That(Run.Until(() =>
        {
            meters.RecordObservableInstruments();
            lock (seen)
            {
                return seen.GetValueOrDefault(packets) == 3 && seen.GetValueOrDefault(malformed) == 1;
            }
        }, 10_000), Is.True, string.Join("\n", seen.Select(kv => $"{kv.Key} = {kv.Value}")));
        host.RequestStop();
        Assert.That(run.Wait(10_000) && run.Result == 0, Is.True);
    }

    private static byte[] Datagram()
    {
        byte[] frame = new byte[60];
        frame[12] = 0x08;
        byte[] d = new byte[100];
        int n = VxlanFormat.Write(d, frame, VniKind.Vni2, 0x2100, PacketDirection.Incoming, false, 0);
        return d[..n];
    }

    private static string[] Files(string root, string pattern) =>
        Directory.Exists(root) ? Directory.GetFiles(root, pattern, SearchOption.AllDirectories) : [];
}
