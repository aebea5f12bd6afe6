using System.Globalization;
using System.Net;
using System.Text;

namespace Cpworker.Benchmarks.Soak;

/// <summary>What a soak found: the samples as a table and a chart, and the growth (least-squares slope) of RSS, threads and fds.</summary>
internal sealed class SoakReport
{
    private readonly SoakOptions _options;
    private readonly IReadOnlyList<SoakSample> _samples;
    private readonly IReadOnlyList<string> _problems;
    private readonly int _reloads;
    private readonly string _load;

    /// <summary>Creates the report of a finished run.</summary>
    public SoakReport(SoakOptions options, IReadOnlyList<SoakSample> samples, IReadOnlyList<string> problems, int reloads, string load)
    {
        _options = options;
        _samples = samples;
        _problems = problems;
        _reloads = reloads;
        _load = load;
    }

    /// <summary>The daemon's WARN and ERROR log lines during the run (the report shows the first 20).</summary>
    public IReadOnlyList<string> DaemonWarnings { get; init; } = [];

    /// <summary>The samples after the warm-up (the first tenth of the run, at least one minute), where growth means a leak.</summary>
    public IReadOnlyList<SoakSample> Steady
    {
        get
        {
            double warm = Math.Max(1, _options.Minutes / 10);
            var steady = _samples.Where(s => s.Minutes >= warm && s.RssKb >= 0).ToList();
            return steady.Count >= 2 ? steady : _samples.Where(s => s.RssKb >= 0).ToList();
        }
    }

    /// <summary>The least-squares slope of <paramref name="y"/> over time, per hour; 0 with fewer than two points.</summary>
    public static double SlopePerHour(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> y)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        double mx = samples.Average(s => s.Minutes), my = samples.Average(y);
        double sxy = samples.Sum(s => (s.Minutes - mx) * (y(s) - my));
        double sxx = samples.Sum(s => (s.Minutes - mx) * (s.Minutes - mx));
        return sxx == 0 ? 0 : sxy / sxx * 60;
    }

    /// <summary>One sample as a log line.</summary>
    public static string Row(SoakSample s) => string.Create(
        CultureInfo.InvariantCulture,
        $"| {s.Minutes,6:F1} | {s.RssKb / 1024.0,7:F1} | {s.Threads,3} | {s.Fds,3} | {s.Captured,9} | {s.Forwarded,9} | {s.ErrorDrops,6} | {s.KernelDrops,6} | {s.Received,9} | {s.Files,2} |");

    /// <summary>The summary, the slopes and the table, in Markdown.</summary>
    public string Markdown()
    {
        IReadOnlyList<SoakSample> steady = Steady;
        SoakSample? last = _samples.Count > 0 ? _samples[^1] : null;
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Soak: {_options.Minutes} min, {_options.PacketsPerSecond} pkt/s, {_options.Model}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Live traffic (tcpreplay in a test namespace into a veth) captured into `rotating_file` ({_options.RotateSeconds} s files, 5 kept) and `vxlan` to a loopback receiver; reloaded (SIGHUP) every {_options.ReloadMinutes} min ({_reloads} reloads); sampled every {_options.SampleSeconds} s. Load at the end: {_load}.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Growth after the warm-up ({steady.Count} samples from {(steady.Count > 0 ? steady[0].Minutes : 0):F1} min), least-squares slope per hour:");
        sb.AppendLine();
        sb.AppendLine("| measure | first | last | min | max | slope per hour |");
        sb.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        Line(sb, steady, "RSS (MB)", s => s.RssKb / 1024.0);
        Line(sb, steady, "threads", s => s.Threads);
        Line(sb, steady, "open fds", s => s.Fds);
        sb.AppendLine();
        var lastHalf = steady.Where(s => s.Minutes >= _options.Minutes / 2).ToList();
        if (lastHalf.Count >= 2)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"Second half only ({lastHalf.Count} samples): RSS {SlopePerHour(lastHalf, s => s.RssKb / 1024.0):+0.00;-0.00;0} MB/h, threads {SlopePerHour(lastHalf, s => s.Threads):+0.00;-0.00;0}/h, fds {SlopePerHour(lastHalf, s => s.Fds):+0.00;-0.00;0}/h.");
            sb.AppendLine();
        }

        if (last is not null)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"At the end: captured {last.Captured}, forwarded {last.Forwarded} (both outputs), error drops {last.ErrorDrops}, kernel drops {last.KernelDrops}, received by the VXLAN receiver {last.Received}, complete files on disk {last.Files}.");
            sb.AppendLine();
        }

        sb.AppendLine(_problems.Count == 0 ? "Problems: none (the daemon lived, answered every sample within 5 s, no counter went backwards, stopped with exit 0)." : "Problems:");
        foreach (string p in _problems)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {p}");
        }

        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"The daemon logged {DaemonWarnings.Count} WARN/ERROR line(s){(DaemonWarnings.Count > 0 ? ", the first ones:" : ".")}");
        sb.AppendLine();
        foreach (string w in DaemonWarnings.Take(20))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"    {w}");
        }

        sb.AppendLine();
        sb.AppendLine("| min | RSS MB | thr | fds | captured | forwarded | errors | k.drop | received | files |");
        sb.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (SoakSample s in _samples)
        {
            sb.AppendLine(Row(s));
        }

        return sb.ToString();
    }

    /// <summary>Writes soak.md, soak.csv and soak.svg into <paramref name="directory"/>.</summary>
    public void Write(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "soak.md"), Markdown());
        var csv = new StringBuilder("minutes,rss_kb,threads,fds,captured,forwarded,error_drops,kernel_drops,received,files\n");
        foreach (SoakSample s in _samples)
        {
            csv.AppendLine(CultureInfo.InvariantCulture, $"{s.Minutes:F3},{s.RssKb},{s.Threads},{s.Fds},{s.Captured},{s.Forwarded},{s.ErrorDrops},{s.KernelDrops},{s.Received},{s.Files}");
        }

        File.WriteAllText(Path.Combine(directory, "soak.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(directory, "soak.svg"), SoakChart.Svg(_samples, $"cpworker soak: {_options.Minutes} min at {_options.PacketsPerSecond} pkt/s ({_options.Model})"));
    }

    private static void Line(StringBuilder sb, IReadOnlyList<SoakSample> s, string name, Func<SoakSample, double> y)
    {
        if (s.Count == 0)
        {
            return;
        }

        sb.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {y(s[0]):F1} | {y(s[^1]):F1} | {s.Min(y):F1} | {s.Max(y):F1} | {SlopePerHour(s, y):+0.00;-0.00;0} |");
    }

    internal static string Escape(string s) => WebUtility.HtmlEncode(s);
}
