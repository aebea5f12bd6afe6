using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// <c>fastpath</c>: the send cost of GRE and VXLAN without a receiver's. Datagrams go into a veth whose
/// peer, in a namespace of its own, drops them cheaply: the peer has no address and the sending side has
/// a permanent neighbour entry for the destination with a MAC not the peer's, so the peer drops each frame
/// first thing in <c>ip_rcv</c> (PACKET_OTHERHOST). In one run, interleaved (model order alternating), for each output: the C <c>sendmmsg</c> loop, the daemon's
/// <c>socket</c> path and its <c>packet_ring</c> path under each model. Prints a table with the ratios of
/// ring to socket (packets/s and CPU-s per million packets).
/// </summary>
internal static class FastPathCompare
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        dotnet run -c Release --project Cpworker.Benchmarks -- fastpath [--outputs gre,vxlan] [--runs N] [compare options]

        The send cost of GRE and VXLAN without a receiver's: the datagrams go into a veth whose peer,
        in a test namespace, drops them first thing in ip_rcv. Interleaved in one run: the C
        sendmmsg loop, then per model the daemon with send_path socket and packet_ring. Prints a
        table with the ring-to-socket ratios and writes fastpath.md to --out. Takes the options of
        compare (--capture, --packets, --models, --runs, --out, --daemon …; see compare --help).
        Default: --outputs gre,vxlan --runs 1. Needs root.
        """;

    /// <summary>Runs it; the process exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter log)
    {
        CompareOptions options;
        try
        {
            options = CompareOptions.Parse(args.Count == 0 ? ["--outputs", "gre,vxlan", "--runs", "1"] : args);
        }
        catch (ArgumentException ex)
        {
            log.WriteLine($"fastpath: {ex.Message}");
            return 2;
        }

        string[] outputs = options.Outputs.Where(o => o is "gre" or "vxlan").ToArray();
        if (outputs.Length == 0)
        {
            outputs = ["gre", "vxlan"];
        }

        string loadBefore = CompareCommand.LoadAverage();
        CaptureInfo capture = CaptureInfo.Resolve(options.Capture, options.Packets, options.CacheDirectory, log);
        log.WriteLine($"capture: {capture.Path}: {capture.Packets} packets, {capture.AverageFrame:F0} bytes on average; load {loadBefore}");
        string work = Directory.CreateTempSubdirectory("cpw-fastpath-").FullName;
        var results = new List<RunResult>();
        using var sink = new BenchNetns();
        try
        {
            int pid = Environment.ProcessId;
            string prefix = $"198.18.{pid / 64 % 256}.{pid % 64 * 4}";
            string net = prefix[..prefix.LastIndexOf('.')];
            int last = pid % 64 * 4;
            string local = $"{net}.{last + 1}";
            string destination = $"{net}.{last + 2}";
            // The neighbour entry names a MAC that is not the peer's: veth delivers every frame to the peer,
            // which marks it PACKET_OTHERHOST and drops it first thing in ip_rcv. With the peer's own MAC the
            // kernel would also look up an input route and build an ICMP error for each frame (ip_error):
            // receiver cost that every subject pays in its own softirq time.
            const string peerMac = "02:00:00:00:00:01";
            // Jumbo MTU on the tunnel link, as a monitoring link would have, so that no 1500-byte frame plus
            // its encapsulation is fragmented (the ring leaves those to the socket path).
            Checked("ip", "link", "set", sink.HostVeth, "mtu", "9000");
            Checked("ip", "-n", sink.Name, "link", "set", sink.NsVeth, "mtu", "9000");
            Checked("ip", "addr", "add", $"{local}/30", "dev", sink.HostVeth);
            Checked("ip", "neigh", "replace", destination, "lladdr", peerMac, "dev", sink.HostVeth, "nud", "permanent");
            log.WriteLine($"sink: {sink.HostVeth} {local} → {destination} ({peerMac}: the peer drops it in ip_rcv as not for it)");

            var daemon = new DaemonRunner(options, work);
            var baselines = new Baselines(options.CacheDirectory, work);
            for (int run = 1; run <= options.Runs; run++)
            {
                foreach (string output in outputs)
                {
                    RunResult b = baselines.Sendmmsg(capture, output, 4789, run, destination);
                    results.Add(b);
                    log.WriteLine(Describe(b));
                    IEnumerable<string> models = run % 2 == 1 ? options.Models : options.Models.Reverse();
                    foreach (string model in models)
                    {
                        foreach (string path in run % 2 == 1 ? new[] { "socket", "packet_ring" } : ["packet_ring", "socket"])
                        {
                            var section = new JsonObject { ["host"] = destination, ["send_path"] = path };
                            if (output == "vxlan")
                            {
                                section["vni1"] = 1;
                            }

                            RunResult r = daemon.Run(capture, output, model, section, run) with { Subject = path };
                            results.Add(r);
                            log.WriteLine(Describe(r));
                        }
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        string table = Table(results, outputs, options.Models);
        log.WriteLine();
        log.WriteLine(table);
        log.WriteLine($"load {loadBefore} → {CompareCommand.LoadAverage()}");
        Directory.CreateDirectory(options.OutputDirectory);
        File.WriteAllText(Path.Combine(options.OutputDirectory, "fastpath.md"), table + $"\nload {loadBefore} → {CompareCommand.LoadAverage()}\n");
        return results.Any(r => r.Error is not null) ? 1 : 0;
    }

    private static string Table(List<RunResult> results, string[] outputs, IReadOnlyList<string> models)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| output | subject | model | pkt/s | CPU s/M | drops | ring/socket pkt/s | ring/socket CPU | vs sendmmsg pkt/s | runs |");
        sb.AppendLine("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (string output in outputs)
        {
            List<RunResult> baseline = results.Where(r => r.Output == output && r.Subject == "sendmmsg" && r.Error is null).ToList();
            double basePps = Median(baseline.Select(r => r.PacketsPerSecond));
            Row(sb, output, "sendmmsg", "-", baseline, "", "", basePps);
            foreach (string model in models)
            {
                List<RunResult> socket = results.Where(r => r.Output == output && r.Subject == "socket" && r.Model == model && r.Error is null).ToList();
                List<RunResult> ring = results.Where(r => r.Output == output && r.Subject == "packet_ring" && r.Model == model && r.Error is null).ToList();
                Row(sb, output, "socket", model, socket, "", "", basePps);
                string ppsRatio = socket.Count > 0 && ring.Count > 0 ? $"{Median(ring.Select(r => r.PacketsPerSecond)) / Median(socket.Select(r => r.PacketsPerSecond)):F2}×" : "-";
                string cpuRatio = socket.Count > 0 && ring.Count > 0 ? $"{Median(ring.Select(r => r.CpuPerMillion)) / Median(socket.Select(r => r.CpuPerMillion)):F2}×" : "-";
                Row(sb, output, "packet_ring", model, ring, ppsRatio, cpuRatio, basePps);
            }
        }

        foreach (RunResult failed in results.Where(r => r.Error is not null))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"FAILED {failed.Output} {failed.Subject} {failed.Model} run {failed.Run}: {failed.Error}");
        }

        return sb.ToString();
    }

    private static void Row(StringBuilder sb, string output, string subject, string model, List<RunResult> runs, string ppsRatio, string cpuRatio, double basePps)
    {
        if (runs.Count == 0)
        {
            return;
        }

        double pps = Median(runs.Select(r => r.PacketsPerSecond));
        double cpu = Median(runs.Select(r => r.CpuPerMillion));
        string vsBase = basePps > 0 && subject != "sendmmsg" ? $"{pps / basePps:F2}×" : "-";
        sb.AppendLine(CultureInfo.InvariantCulture, $"| {output} | {subject} | {model} | {ReportWriter.Rate(pps)} | {cpu:F2} | {runs.Max(r => r.Drops)} | {(ppsRatio.Length > 0 ? ppsRatio : "-")} | {(cpuRatio.Length > 0 ? cpuRatio : "-")} | {vsBase} | {runs.Count} |");
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length == 0 ? 0 : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string Describe(RunResult r) => r.Error is not null
        ? $"{r.Output,-6} {r.Subject,-11} {r.Model,-9} run {r.Run}: FAILED: {r.Error}"
        : $"{r.Output,-6} {r.Subject,-11} {r.Model,-9} run {r.Run}: {ReportWriter.Rate(r.PacketsPerSecond),9}/s  cpu {r.CpuPerMillion:F2} s/M  drops {r.Drops}";

    private static void Checked(string file, params string[] args)
    {
        ChildProcess p = ChildProcess.Run(file, args, TimeSpan.FromSeconds(20));
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {p.Output}");
        }
    }
}
