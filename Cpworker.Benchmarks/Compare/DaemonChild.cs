using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cpworker.Benchmarks.Compare;

/// <summary>The daemon running in the background: wait for a log line, signal it, collect its log.</summary>
internal sealed partial class DaemonChild : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();

    private DaemonChild(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>The daemon's process id (the child itself, also when started through dotnet).</summary>
    public int Pid => _process.Id;

    /// <summary>Starts <c>cpworker run -c CONFIG</c>.</summary>
    public static DaemonChild Start(string daemon, string config)
    {
        (string file, string[] prefix) = DaemonRunner.DaemonCommand(daemon);
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in prefix.Concat(["run", "-c", config]))
        {
            psi.ArgumentList.Add(a);
        }

        return new DaemonChild(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}"));
    }

    /// <summary>Starts any capture tool in the background (tcpdump, dumpcap), for the same waiting and stopping.</summary>
    public static DaemonChild StartTool(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return new DaemonChild(Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}"));
    }

    /// <summary>
    /// User + system CPU seconds the child has used so far (<c>/proc/PID/stat</c>, clock ticks of
    /// 1/100 s); -1 when it has exited. Read just before stopping it.
    /// </summary>
    public double CpuSeconds()
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception ex) when (ex is IOException or FormatException or IndexOutOfRangeException)
        {
            return -1;
        }
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; false on timeout or exit.</summary>
    public bool WaitForLine(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }

            if (_process.HasExited)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return false;
    }

    /// <summary>SIGTERM (or <paramref name="signal"/>), then waits for the exit; the exit code, or null when it did not exit in time.</summary>
    public int? Stop(TimeSpan timeout, int signal = 15)
    {
        _ = Kill(_process.Id, signal); // a failed kill shows as the wait timing out below
        if (!_process.WaitForExit(timeout))
        {
            return null;
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
