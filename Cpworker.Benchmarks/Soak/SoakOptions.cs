using System.Globalization;

namespace Cpworker.Benchmarks.Soak;

/// <summary>The settings of one soak run (<c>soak --help</c>).</summary>
internal sealed record SoakOptions
{
    /// <summary>How long traffic runs, in minutes.</summary>
    public double Minutes { get; init; } = 10;

    /// <summary>Packets per second tcpreplay sends into the veth (kept low: the machine is shared).</summary>
    public int PacketsPerSecond { get; init; } = 200;

    /// <summary>Seconds between samples of the daemon.</summary>
    public int SampleSeconds { get; init; } = 10;

    /// <summary>Minutes between reloads (SIGHUP) during the run; 0 = none.</summary>
    public double ReloadMinutes { get; init; } = 5;

    /// <summary>Seconds per rotated file.</summary>
    public int RotateSeconds { get; init; } = 60;

    /// <summary>The daemon: an executable, or a .dll run through dotnet.</summary>
    public string Daemon { get; init; } = Path.Combine(AppContext.BaseDirectory, "cpworker.dll");

    /// <summary>Execution model of the daemon.</summary>
    public string Model { get; init; } = "pipeline";

    /// <summary>Where soak.md, soak.csv and soak.svg are written.</summary>
    public string OutputDirectory { get; init; } = Path.Combine(Environment.CurrentDirectory, "soak-results");

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var o = new SoakOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{a} needs a value");
            double Number(double min, double max)
            {
                string v = Value();
                if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !(d >= min && d <= max))
                {
                    throw new ArgumentException($"{a}: {v} is not a number in {min} … {max}");
                }

                return d;
            }

            o = a switch
            {
                "--minutes" => o with { Minutes = Number(0.1, 24 * 60) },
                "--pps" => o with { PacketsPerSecond = (int)Number(1, 100_000) },
                "--sample-seconds" => o with { SampleSeconds = (int)Number(1, 600) },
                "--reload-minutes" => o with { ReloadMinutes = Number(0, 24 * 60) },
                "--rotate-seconds" => o with { RotateSeconds = (int)Number(1, 3600) },
                "--daemon" => o with { Daemon = Path.GetFullPath(Value()) },
                "--model" => o with { Model = Value() is "rtc" or "pipeline" ? args[i] : throw new ArgumentException("--model: rtc or pipeline") },
                "--out" => o with { OutputDirectory = Path.GetFullPath(Value()) },
                _ => throw new ArgumentException($"unknown option {a}"),
            };
        }

        return o;
    }

    /// <summary>The usage text.</summary>
    public const string Usage = """
        soak [--minutes N] [--pps N] [--sample-seconds N] [--reload-minutes N] [--rotate-seconds N]
             [--model rtc|pipeline] [--daemon PATH] [--out DIR]
          Live traffic (tcpreplay at --pps inside a test namespace, into a veth) captured by the daemon
          into rotating files and a VXLAN tunnel to a loopback receiver, for --minutes. Every
          --sample-seconds the daemon's RSS, threads, open fds and counters are sampled; every
          --reload-minutes it is reloaded (SIGHUP). Writes soak.md (table, slopes), soak.csv and
          soak.svg (chart) to --out. Needs root, tcpreplay, iproute2. Ends by itself and removes
          its namespace, daemon and files.
        """;
}
