using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// The traffic of a live trial: <c>blast</c> (this assembly's AF_PACKET TX ring generator) or
/// <c>tcpreplay</c>, sending the capture into the namespace's veth end for a fixed time. What the
/// capture side was offered is read from the receiving interface's <c>rx_packets</c>, so frames a
/// generator lost on its own side never count against the capture.
/// </summary>
internal static partial class LiveGenerator
{
    /// <summary>Generators known.</summary>
    public static readonly string[] All = ["blast", "tcpreplay"];

    /// <summary>Result of one run of the generator.</summary>
    public sealed record Run(double Pps, double CpuSeconds, double Seconds, long Offered, string? Error);

    /// <summary>Sends <paramref name="capture"/> at <paramref name="pps"/> (0 = top speed) for <paramref name="seconds"/>.</summary>
    public static Run Send(string generator, BenchNetns ns, string capture, long pps, double seconds, bool frame64)
    {
        long before = RxPackets(ns.HostVeth);
        ChildProcess p = generator == "tcpreplay" ? TcpReplay(ns, capture, pps, seconds) : Blast(ns, capture, pps, seconds, frame64);
        long offered = RxPackets(ns.HostVeth) - before;
        if (generator == "tcpreplay")
        {
            Match rated = TcpReplayRated().Match(p.Output);
            Match actual = TcpReplayActual().Match(p.Output);
            if (p.ExitCode != 0 || !rated.Success || !actual.Success)
            {
                return new Run(0, 0, 0, offered, $"tcpreplay exited {p.ExitCode}: {Tail(p.Output)}");
            }

            double s = double.Parse(actual.Groups["s"].Value, CultureInfo.InvariantCulture);
            return new Run(double.Parse(rated.Groups["pps"].Value, CultureInfo.InvariantCulture), p.CpuSeconds, s, offered, null);
        }

        Match m = BlastLine().Match(p.Output);
        if (p.ExitCode != 0 || !m.Success)
        {
            return new Run(0, 0, 0, offered, $"blast exited {p.ExitCode}: {Tail(p.Output)}");
        }

        return new Run(
            double.Parse(m.Groups["pps"].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups["cpu"].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture),
            offered,
            null);
    }

    private static ChildProcess Blast(BenchNetns ns, string capture, long pps, double seconds, bool frame64)
    {
        string self = Assembly.GetExecutingAssembly().Location;
        var args = new List<string> { self, "blast", "--interface", ns.NsVeth, "--netns", $"/var/run/netns/{ns.Name}", "--pps", pps.ToString(CultureInfo.InvariantCulture), "--seconds", seconds.ToString(CultureInfo.InvariantCulture) };
        args.AddRange(frame64 ? ["--frame64"] : ["--capture", capture]);
        return ChildProcess.Run("dotnet", args, TimeSpan.FromSeconds(seconds + 60));
    }

    private static ChildProcess TcpReplay(BenchNetns ns, string capture, long pps, double seconds)
    {
        string[] args =
        [
            "netns", "exec", ns.Name, "tcpreplay", "-i", ns.NsVeth, "-K", "--loop=0",
            $"--duration={Math.Max(1, (int)seconds)}", pps > 0 ? $"--pps={pps}" : "--topspeed", capture,
        ];
        return ChildProcess.Run("ip", args, TimeSpan.FromSeconds(seconds + 120));
    }

    /// <summary>The interface's received-packets counter.</summary>
    public static long RxPackets(string iface) =>
        long.Parse(File.ReadAllText($"/sys/class/net/{iface}/statistics/rx_packets").Trim(), CultureInfo.InvariantCulture);

    private static string Tail(string output) => output.Length > 400 ? output[^400..] : output;

    [GeneratedRegex(@"blast: sent \d+ frames, \d+ bytes in (?<s>[\d.]+) s: (?<pps>[\d.]+) pps, [\d.]+ Mbit/s; cpu (?<cpu>[\d.]+) s")]
    private static partial Regex BlastLine();

    [GeneratedRegex(@"Rated: [\d.]+ Bps, [\d.]+ Mbps, (?<pps>[\d.]+) pps")]
    private static partial Regex TcpReplayRated();

    [GeneratedRegex(@"Actual: \d+ packets \(\d+ bytes\) sent in (?<s>[\d.]+) seconds")]
    private static partial Regex TcpReplayActual();
}
