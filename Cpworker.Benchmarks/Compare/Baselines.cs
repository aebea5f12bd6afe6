using System.Globalization;
using System.Text.RegularExpressions;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// What the machine itself can do, measured in the same run as the daemon: <c>tcpdump -r IN -w OUT</c>
/// for the file output, and a C <c>sendmmsg</c> loop (64 datagrams per call, the same frames behind
/// the same 8-byte header, to 127.0.0.1) for GRE and VXLAN.
/// </summary>
internal sealed partial class Baselines
{
    private readonly string _cacheDirectory;
    private readonly string _workDirectory;
    private string? _sendmmsg;
    private double? _tcpdumpStartup;

    /// <summary>Creates the baselines; the C program is compiled into <paramref name="cacheDirectory"/> on first use.</summary>
    public Baselines(string cacheDirectory, string workDirectory)
    {
        _cacheDirectory = cacheDirectory;
        _workDirectory = workDirectory;
    }

    /// <summary>The baseline tool of <paramref name="output"/>, or null when it has none.</summary>
    public static string? SubjectFor(string output) => output switch
    {
        "file" => "tcpdump",
        "gre" or "vxlan" => "sendmmsg",
        _ => null,
    };

    /// <summary>
    /// <c>tcpdump -r capture -w out</c>. Timed from process start to exit minus tcpdump's own start-up
    /// (the median of three runs on a one-packet file), so that only the copying is timed.
    /// </summary>
    public RunResult Tcpdump(CaptureInfo capture, int run)
    {
        _tcpdumpStartup ??= MeasureTcpdumpStartup(capture);
        string output = Path.Combine(_workDirectory, "tcpdump-output.pcap");
        ChildProcess p = ChildProcess.Run("tcpdump", ["-r", capture.Path, "-w", output], TimeSpan.FromMinutes(5));
        File.Delete(output);
        var r = new RunResult { Subject = "tcpdump", Output = "file", Model = "-", Run = run };
        if (p.ExitCode != 0)
        {
            return r with { Error = $"tcpdump exited {p.ExitCode}: {p.Output}" };
        }

        return r with
        {
            Packets = capture.Packets,
            Bytes = capture.FrameBytes,
            Seconds = Math.Max(1e-6, p.WallSeconds - _tcpdumpStartup.Value),
            CpuSeconds = p.CpuSeconds,
            Forwarded = capture.Packets,
        };
    }

    /// <summary>The <c>sendmmsg</c> loop for <paramref name="output"/> (<c>gre</c> or <c>vxlan</c>) to <paramref name="address"/>; time and CPU of its send loop.</summary>
    public RunResult Sendmmsg(CaptureInfo capture, string output, int port, int run, string address = "127.0.0.1")
    {
        string program = CompileSendmmsg();
        string mode = output == "gre" ? "gre" : "udp";
        ChildProcess p = ChildProcess.Run(program, [mode, capture.Path, port.ToString(CultureInfo.InvariantCulture), "64", address], TimeSpan.FromMinutes(5));
        var r = new RunResult { Subject = "sendmmsg", Output = output, Model = "-", Run = run };
        Match m = SendmmsgLine().Match(p.Output);
        if (p.ExitCode != 0 || !m.Success)
        {
            return r with { Error = $"sendmmsg_bench exited {p.ExitCode}: {p.Output}" };
        }

        long packets = long.Parse(m.Groups["packets"].Value, CultureInfo.InvariantCulture);
        long errors = long.Parse(m.Groups["errors"].Value, CultureInfo.InvariantCulture);
        return r with
        {
            Packets = packets,
            Bytes = long.Parse(m.Groups["bytes"].Value, CultureInfo.InvariantCulture),
            Seconds = double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture),
            CpuSeconds = double.Parse(m.Groups["cpu"].Value, CultureInfo.InvariantCulture),
            Forwarded = packets - errors,
            ErrorDrops = errors,
        };
    }

    private string CompileSendmmsg()
    {
        if (_sendmmsg is not null)
        {
            return _sendmmsg;
        }

        string source = Path.Combine(AppContext.BaseDirectory, "baseline", "sendmmsg_bench.c");
        string text = File.ReadAllText(source);
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
        string program = Path.Combine(_cacheDirectory, $"sendmmsg_bench-{hash}");
        if (!File.Exists(program))
        {
            Directory.CreateDirectory(_cacheDirectory);
            ChildProcess gcc = ChildProcess.Run("gcc", ["-O2", "-o", program, source], TimeSpan.FromMinutes(2));
            if (gcc.ExitCode != 0)
            {
                throw new InvalidOperationException($"cannot compile {source}: {gcc.Output}");
            }
        }

        return _sendmmsg = program;
    }

    private double MeasureTcpdumpStartup(CaptureInfo capture)
    {
        string one = Path.Combine(_workDirectory, "one-packet.pcap");
        string output = Path.Combine(_workDirectory, "one-packet-out.pcap");
        using (var input = File.OpenRead(capture.Path))
        using (var copy = File.Create(one))
        {
            byte[] head = new byte[40];
            input.ReadExactly(head);
            int caplen = BitConverter.ToInt32(head, 32);
            byte[] frame = new byte[caplen];
            input.ReadExactly(frame);
            copy.Write(head);
            copy.Write(frame);
        }

        var times = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            ChildProcess p = ChildProcess.Run("tcpdump", ["-r", one, "-w", output], TimeSpan.FromMinutes(1));
            times.Add(p.WallSeconds);
        }

        File.Delete(one);
        File.Delete(output);
        times.Sort();
        return times[1];
    }

    [GeneratedRegex(@"packets=(?<packets>\d+) bytes=(?<bytes>\d+) seconds=(?<seconds>[\d.]+) cpu=(?<cpu>[\d.]+) errors=(?<errors>\d+)")]
    private static partial Regex SendmmsgLine();
}
