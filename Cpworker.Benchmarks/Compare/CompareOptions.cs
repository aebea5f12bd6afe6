using System.Globalization;

namespace Cpworker.Benchmarks.Compare;

/// <summary>The options of <c>compare</c>; see <see cref="Usage"/>.</summary>
internal sealed record CompareOptions
{
    /// <summary>Every output the harness knows how to receive.</summary>
    public static readonly string[] AllOutputs = ["null", "file", "gre", "vxlan", "zmq"];

    /// <summary>Both execution models.</summary>
    public static readonly string[] AllModels = ["rtc", "pipeline"];

    /// <summary>The capture to replay; null = the generated mixed capture of <see cref="Packets"/> packets.</summary>
    public string? Capture { get; init; }

    /// <summary>Packets of the generated capture.</summary>
    public int Packets { get; init; } = Generation.MixedCaptureGenerator.DefaultPackets;

    /// <summary>Outputs to measure, in order.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = AllOutputs;

    /// <summary>Execution models to measure.</summary>
    public IReadOnlyList<string> Models { get; init; } = AllModels;

    /// <summary>Runs of each configuration; the report gives medians.</summary>
    public int Runs { get; init; } = 5;

    /// <summary><c>pipeline.buffer_size_mb</c> of the daemon's config.</summary>
    public int PipelineMb { get; init; } = 256;

    /// <summary>A <c>req_pattern</c> for the task: null (none), <c>auto</c>, or a custom pattern.</summary>
    public string? ReqPattern { get; init; }

    /// <summary>Where the generated capture and the compiled baseline are kept between runs.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory();

    /// <summary>Where the report (JSON, SVG, table) is written.</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "artifacts", "bench");

    /// <summary>The daemon to run: a <c>cpworker</c> executable or <c>cpworker.dll</c>; default the one built next to the harness.</summary>
    public string Daemon { get; init; } = Path.Combine(AppContext.BaseDirectory, "cpworker.dll");

    /// <summary>Measure the baselines (tcpdump, sendmmsg) too.</summary>
    public bool Baselines { get; init; } = true;

    /// <summary>A quick run: a 10,000-packet capture, 1 run, no baselines unless asked.</summary>
    public bool Smoke { get; init; }

    /// <summary>Live mode: a generator into a veth pair in a test namespace, drop-free rate search.</summary>
    public bool Live { get; init; }

    /// <summary>Live mode: the capture buffers (<c>libpcap.buffer_size_mb</c>, the tools' <c>-B</c>) to try.</summary>
    public IReadOnlyList<int> LiveBuffersMb { get; init; } = [8, 64, 256];

    /// <summary>Live mode: the outputs the daemon feeds (<c>null</c>, <c>rotating_file</c>); the tools write to /dev/null or a file.</summary>
    public IReadOnlyList<string> LiveOutputs { get; init; } = ["null", "rotating_file"];

    /// <summary>Live mode: fixed packet rates to try instead of the bisection.</summary>
    public IReadOnlyList<int> LiveRates { get; init; } = [];

    /// <summary>Live mode: <c>libpcap.threads</c> values to try.</summary>
    public IReadOnlyList<int> LiveThreads { get; init; } = [1];

    /// <summary>Live mode: <c>blast</c> or <c>tcpreplay</c>.</summary>
    public string LiveGenerator { get; init; } = "blast";

    /// <summary>Live mode: seconds per trial.</summary>
    public int LiveSeconds { get; init; } = 10;

    /// <summary>Live mode: bisection steps after the top-speed trial.</summary>
    public int LiveSteps { get; init; } = 5;

    /// <summary>Live mode: send 64-byte frames instead of the capture (blast only).</summary>
    public bool LiveFrame64 { get; init; }

    /// <summary>Live mode: cpworker's <c>libpcap.timeout_ms</c> values to try (0 = immediate mode, its default).</summary>
    public IReadOnlyList<int> LiveTimeoutsMs { get; init; } = [0];

    /// <summary>Live mode: cpworker's <c>cpu_affinity</c>; null = none.</summary>
    public string? LiveCpuAffinity { get; init; }

    /// <summary>
    /// Live mode: every capturing process runs in a cgroup limited to this share of one CPU (%);
    /// null = no limit. See <see cref="Compare.CpuQuota"/> for why.
    /// </summary>
    public double? LiveCpuQuotaPercent { get; init; }

    /// <summary>Live mode: cpworker's <c>libpcap.reader</c> values to try.</summary>
    public IReadOnlyList<string> LiveReaders { get; init; } = ["auto"];

    /// <summary>True when the help was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Usage text.</summary>
    public const string Usage = """
        dotnet run -c Release --project Cpworker.Benchmarks -- compare [options]

        Replays a capture through the real daemon (a child process, --exit-at-eof) for every chosen
        output under rtc and pipeline, interleaved, several runs each, plus the baselines
        (tcpdump -r -w for file, a C sendmmsg loop for gre and vxlan) in the same run. Reports
        medians: packets/s, Mbit/s, CPU s per million packets, peak RSS, drops, allocations.

          --capture FILE        pcap file to replay (default: generated mixed capture, cached)
          --packets N           packets of the generated capture (default 1000000)
          --outputs LIST        comma list of null,file,gre,vxlan,zmq (default all)
          --models LIST         comma list of rtc,pipeline (default both)
          --runs N              runs per configuration (default 5)
          --pipeline-mb N       pipeline.buffer_size_mb (default 256)
          --req-pattern P       none (default), auto, or a custom pattern
          --cache DIR           cache for the capture and the baseline binary
          --out DIR             report directory (default ./artifacts/bench)
          --daemon PATH         cpworker executable or cpworker.dll (default: built with the harness)
          --no-baselines        skip tcpdump and sendmmsg
          --smoke               10,000 packets, 1 run, no baselines (a check, not a measurement)
          --live                live capture: drop-free rate search, a generator into a veth pair in a
                                test namespace, cpworker next to tcpdump -w and dumpcap -w
          --live-buffers LIST   capture buffers in MB for --live (default 8,64,256)
          --live-outputs LIST   null,rotating_file (default both; the tools write /dev/null or a file)
          --live-threads LIST   libpcap.threads values (default 1)
          --live-generator G    blast (default: AF_PACKET TX ring) or tcpreplay
          --live-seconds N      seconds per trial (default 10)
          --live-steps N        bisection steps after the top-speed trial (default 5)
          --live-rates LIST     fixed packet rates instead of the bisection (the same for every subject)
          --live-frame64        64-byte frames instead of the capture (blast)
          --live-timeouts LIST  cpworker's libpcap.timeout_ms values (default 0, immediate mode)
          --live-cpus LIST      cpworker's cpu_affinity (default none)
          --live-cpu-quota PCT  run every capturing process (cpworker, tcpdump, dumpcap) in a cgroup
                                limited to PCT % of one CPU (100 ms period): its zero-loss rate then
                                measures its own CPU per packet, when the generator cannot outrun it
          --live-readers LIST   cpworker's libpcap.reader values: auto (default), libpcap, ring
        """;

    /// <summary>Parses the arguments after <c>compare</c>; throws <see cref="ArgumentException"/> naming a bad one.</summary>
    public static CompareOptions Parse(IReadOnlyList<string> args)
    {
        var o = new CompareOptions();
        bool baselinesSet = false;
        bool runsSet = false;
        bool packetsSet = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
            switch (a)
            {
                case "--capture": o = o with { Capture = Path.GetFullPath(Value()) }; break;
                case "--packets": o = o with { Packets = PositiveInt(a, Value()) }; packetsSet = true; break;
                case "--outputs": o = o with { Outputs = List(a, Value(), AllOutputs) }; break;
                case "--models": o = o with { Models = List(a, Value(), AllModels) }; break;
                case "--runs": o = o with { Runs = PositiveInt(a, Value()) }; runsSet = true; break;
                case "--pipeline-mb": o = o with { PipelineMb = PositiveInt(a, Value()) }; break;
                case "--req-pattern":
                    string p = Value();
                    o = o with { ReqPattern = p == "none" ? null : p };
                    break;
                case "--cache": o = o with { CacheDirectory = Path.GetFullPath(Value()) }; break;
                case "--out": o = o with { OutputDirectory = Path.GetFullPath(Value()) }; break;
                case "--daemon": o = o with { Daemon = Path.GetFullPath(Value()) }; break;
                case "--no-baselines": o = o with { Baselines = false }; baselinesSet = true; break;
                case "--baselines": o = o with { Baselines = true }; baselinesSet = true; break;
                case "--smoke": o = o with { Smoke = true }; break;
                case "--live": o = o with { Live = true }; break;
                case "--live-buffers": o = o with { LiveBuffersMb = Ints(a, Value()) }; break;
                case "--live-rates": o = o with { LiveRates = Ints(a, Value()) }; break;
                case "--live-outputs" or "--live-output": o = o with { LiveOutputs = List(a, Value(), ["null", "rotating_file"]) }; break;
                case "--live-threads": o = o with { LiveThreads = Ints(a, Value()) }; break;
                case "--live-generator": o = o with { LiveGenerator = List(a, Value(), Cpworker.Benchmarks.Compare.LiveGenerator.All)[0] }; break;
                case "--live-seconds": o = o with { LiveSeconds = PositiveInt(a, Value()) }; break;
                case "--live-steps": o = o with { LiveSteps = PositiveInt(a, Value()) }; break;
                case "--live-frame64": o = o with { LiveFrame64 = true }; break;
                case "--live-timeouts": o = o with { LiveTimeoutsMs = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => int.Parse(v, NumberStyles.None, CultureInfo.InvariantCulture)).ToArray() }; break;
                case "--live-cpus": o = o with { LiveCpuAffinity = Value() }; break;
                case "--live-cpu-quota": o = o with { LiveCpuQuotaPercent = Quota(a, Value()) }; break;
                case "--live-readers": o = o with { LiveReaders = List(a, Value(), ["auto", "libpcap", "ring"]) }; break;
                case "-h" or "--help": o = o with { Help = true }; break;
                default: throw new ArgumentException($"unknown option {a}");
            }
        }

        if (o.Smoke)
        {
            o = o with
            {
                Packets = packetsSet ? o.Packets : 10_000,
                Runs = runsSet ? o.Runs : 1,
                Baselines = baselinesSet && o.Baselines,
                PipelineMb = Math.Min(o.PipelineMb, 16),
            };
        }

        return o;
    }

    private static string DefaultCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache");
        return Path.Combine(root, "cpworker-bench");
    }

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option}: \"{value}\" is not a positive integer");

    private static double Quota(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) && p >= 1 && p <= 100
            ? p
            : throw new ArgumentException($"{option}: \"{value}\" is not a share of one CPU between 1 and 100 (%)");

    private static int[] Ints(string option, string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => PositiveInt(option, v)).ToArray();

    private static string[] List(string option, string value, string[] allowed)
    {
        string[] items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string item in items)
        {
            if (!allowed.Contains(item))
            {
                throw new ArgumentException($"{option}: \"{item}\" is not one of {string.Join(", ", allowed)}");
            }
        }

        return items.Length > 0 ? items.Distinct().ToArray() : throw new ArgumentException($"{option}: empty list");
    }
}
