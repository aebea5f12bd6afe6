using System.CommandLine;
using System.Net;
using Cpworker.Engine.Loading;
using Cpworker.Host.Daemon;
using Cpworker.Host.Recv.Decoding;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>
/// <c>cpworker recv</c>: the other end of the tunnel (docs/recv.md). Listeners from
/// <c>--vxlan/--gre/--zmq/--zmq-connect</c> or from <c>-c FILE</c> (<c>"receivers"</c>), output
/// to <c>-w FILE</c>, <c>--rotate DIR</c> or <c>--to-interface NAME</c>; optionally a control socket
/// (<c>--control-socket</c>) and a Prometheus endpoint (<c>--prometheus-listen</c>).
/// </summary>
internal static class RecvCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("recv", "Receive cpworker's GRE, VXLAN and ZeroMQ outputs and write the inner frames, with direction and capture time, to pcapng or onto an interface.");
        var config = new Option<string?>("--config", "-c") { Description = "Configuration file with \"receivers\" and \"output\" (instead of the options below).", HelpName = "FILE" };
        var vxlan = new Option<string[]>("--vxlan") { Description = "Listen for VXLAN on UDP [ADDR:]PORT (port 0: the OS chooses; it is logged).", HelpName = "[ADDR:]PORT", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var vni = new Option<string>("--vni") { Description = "The VXLAN senders' tag layout: vni1 (default) or vni2.", HelpName = "vni1|vni2", DefaultValueFactory = _ => "vni1" };
        var captureTime = new Option<bool>("--capture-time") { Description = "The VXLAN senders append the capture-time trailer (capture_time: true)." };
        var gre = new Option<string[]>("--gre") { Description = "Listen for GRE (raw IP protocol 47) on ADDR; without ADDR on every IPv4 and IPv6 address.", HelpName = "ADDR", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false };
        var zmq = new Option<string[]>("--zmq") { Description = "Bind a ZeroMQ PULL socket on tcp://ADDR:PORT (cpworker's zmq output connects to it; port 0 or *: the OS chooses).", HelpName = "tcp://ADDR:PORT", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var zmqConnect = new Option<string[]>("--zmq-connect") { Description = "Connect a ZeroMQ PULL socket to tcp://ADDR:PORT.", HelpName = "tcp://ADDR:PORT", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var write = new Option<string?>("--write", "-w") { Description = "Write one pcapng file (FILE.part until recv stops).", HelpName = "FILE" };
        var rotate = new Option<string?>("--rotate") { Description = "Write rotating pcapng files under DIR/<yyyyMMddHH>/ (like rotating_file).", HelpName = "DIR" };
        var rotateSeconds = new Option<int>("--rotate-seconds") { Description = "Seconds per rotating file (0: never rotate).", HelpName = "N", DefaultValueFactory = _ => 60 };
        var maxFiles = new Option<int>("--max-files") { Description = "Complete rotating files to keep (0: all).", HelpName = "N" };
        var toInterface = new Option<string?>("--to-interface") { Description = "Re-emit the frames onto interface NAME: an existing one through AF_PACKET, else a TAP device recv creates.", HelpName = "NAME" };
        var statsInterval = new Option<int>("--stats-interval") { Description = "Seconds between counter lines in the log (0: none).", HelpName = "S", DefaultValueFactory = _ => 60 };
        var logLevel = new Option<string>("--log-level") { Description = "DEBUG, INFO, WARN or ERROR.", DefaultValueFactory = _ => "INFO" };
        var controlSocket = new Option<string?>("--control-socket") { Description = "Answer cpworker ctl on this Unix socket (as the daemon's control.unix.path).", HelpName = "PATH" };
        var prometheusListen = new Option<string?>("--prometheus-listen") { Description = "Serve the counters to Prometheus at http://HOST:PORT/metrics (as the daemon's metrics.prometheus.listen).", HelpName = "HOST:PORT" };
        foreach (Option o in new Option[] { config, vxlan, vni, captureTime, gre, zmq, zmqConnect, write, rotate, rotateSeconds, maxFiles, toInterface, statsInterval, logLevel, controlSocket, prometheusListen })
        {
            cmd.Options.Add(o);
        }

        cmd.SetAction(parse =>
        {
            RecvOptions options;
            try
            {
                string? file = parse.GetValue(config);
                bool anyListener = parse.GetResult(vxlan) is not null || parse.GetResult(gre) is not null || parse.GetResult(zmq) is not null || parse.GetResult(zmqConnect) is not null;
                bool anyOutput = parse.GetValue(write) is not null || parse.GetValue(rotate) is not null || parse.GetValue(toInterface) is not null;
                string? socket = parse.GetValue(controlSocket), listen = parse.GetValue(prometheusListen);
                if (file is not null)
                {
                    if (anyListener || anyOutput)
                    {
                        throw new RecvException("-c FILE takes the listeners and the output from the file: do not also give --vxlan/--gre/--zmq/-w/--rotate/--to-interface");
                    }

                    if (socket is not null || listen is not null)
                    {
                        throw new RecvException("-c FILE takes the control socket and the metrics from the file (control.unix.path, metrics.prometheus.listen): do not also give --control-socket/--prometheus-listen");
                    }

                    options = RecvConfigFile.Load(file);
                }
                else
                {
                    options = FromOptions(parse, vxlan, vni, captureTime, gre, zmq, zmqConnect, write, rotate, rotateSeconds, maxFiles, toInterface, statsInterval, logLevel)
                        with { ControlSocketPath = ControlSocket(socket), PrometheusListen = Listen(listen) };
                }
            }
            catch (RecvException ex)
            {
                stderr.WriteLine($"cpworker recv: {ex.Message}");
                return ExitCodes.BadConfig;
            }

            using var host = new RecvHost(options, stderr, stdout);
            return host.Run();
        });
        return cmd;
    }

    /// <summary><c>--control-socket</c>, checked as the daemon checks <c>control.unix.path</c>.</summary>
    private static string? ControlSocket(string? path)
    {
        if (path is null)
        {
            return null;
        }

        int bytes = System.Text.Encoding.UTF8.GetByteCount(path);
        return path.Length == 0 ? throw new RecvException("--control-socket: must not be empty")
            : bytes > ConfigLoader.MaxControlPathBytes ? throw new RecvException($"--control-socket: is {bytes} bytes long; a Unix socket path has at most {ConfigLoader.MaxControlPathBytes} bytes")
            : path;
    }

    /// <summary><c>--prometheus-listen</c>, checked as the daemon checks <c>metrics.prometheus.listen</c>.</summary>
    private static string? Listen(string? listen) =>
        listen is not null && ConfigLoader.CheckPrometheusListen(listen) is string problem ? throw new RecvException($"--prometheus-listen: {problem}") : listen;

    private static RecvOptions FromOptions(
        ParseResult p, Option<string[]> vxlan, Option<string> vni, Option<bool> captureTime, Option<string[]> gre, Option<string[]> zmq, Option<string[]> zmqConnect,
        Option<string?> write, Option<string?> rotate, Option<int> rotateSeconds, Option<int> maxFiles, Option<string?> toInterface, Option<int> statsInterval, Option<string> logLevel)
    {
        VxlanTagLayout layout = p.GetValue(vni) switch
        {
            "vni1" => VxlanTagLayout.Vni1,
            "vni2" => VxlanTagLayout.Vni2,
            string other => throw new RecvException($"--vni: must be vni1 or vni2, not \"{other}\""),
            null => VxlanTagLayout.Vni1,
        };
        var listeners = new List<ListenerSpec>();
        foreach (string s in p.GetValue(vxlan) ?? [])
        {
            listeners.Add(new ListenerSpec { Kind = "vxlan", Bind = RecvSpecParser.Endpoint(s, "--vxlan"), Layout = layout, CaptureTime = p.GetValue(captureTime) });
        }

        if (p.GetResult(gre) is not null)
        {
            string[] addresses = p.GetValue(gre) ?? [];
            foreach (string? a in addresses.Length == 0 ? new string?[] { null } : addresses)
            {
                listeners.AddRange(RecvSpecParser.GreAddresses(a).Select(ip => new ListenerSpec { Kind = "gre", Bind = new IPEndPoint(ip, 0) }));
            }
        }

        listeners.AddRange((p.GetValue(zmq) ?? []).Select(z => new ListenerSpec { Kind = "zmq", Endpoint = RecvSpecParser.ZmqEndpoint(z, "--zmq") }));
        listeners.AddRange((p.GetValue(zmqConnect) ?? []).Select(z => new ListenerSpec { Kind = "zmq", Endpoint = RecvSpecParser.ZmqEndpoint(z, "--zmq-connect"), Connect = true }));
        if (listeners.Count == 0)
        {
            throw new RecvException("nothing to listen on: give --vxlan, --gre, --zmq or --zmq-connect (or -c FILE)");
        }

        string? file = p.GetValue(write), root = p.GetValue(rotate), nic = p.GetValue(toInterface);
        if ((file is null ? 0 : 1) + (root is null ? 0 : 1) + (nic is null ? 0 : 1) != 1)
        {
            throw new RecvException("give exactly one output: -w FILE, --rotate DIR or --to-interface NAME");
        }

        if (p.GetValue(rotateSeconds) < 0 || p.GetValue(maxFiles) < 0 || p.GetValue(statsInterval) < 0)
        {
            throw new RecvException("--rotate-seconds, --max-files and --stats-interval must not be negative");
        }

        LogLevel level = ConfigLoader.ParseLogLevel(p.GetValue(logLevel) ?? "INFO") ?? throw new RecvException("--log-level: must be DEBUG, INFO, WARN or ERROR");
        return new RecvOptions
        {
            Listeners = listeners,
            Output = new RecvOutputSpec { File = file, RotateRoot = root, RotateSeconds = p.GetValue(rotateSeconds), MaxFiles = p.GetValue(maxFiles), Interface = nic },
            StatsIntervalSeconds = p.GetValue(statsInterval),
            LogLevel = level,
        };
    }
}
