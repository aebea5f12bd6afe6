using System.Diagnostics;

namespace Cpworker.Benchmarks.Compare;

/// <summary>Runs a tool to completion with a deadline, keeping its output lines and its CPU time.</summary>
internal sealed class ChildProcess
{
    private readonly List<string> _lines = new();

    private ChildProcess()
    {
    }

    /// <summary>Exit code; null when it was killed at the deadline.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Wall time from start to exit.</summary>
    public double WallSeconds { get; private set; }

    /// <summary>CPU time of the child (start-up included).</summary>
    public double CpuSeconds { get; private set; }

    /// <summary>stdout and stderr lines, in arrival order.</summary>
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

    /// <summary>All output, for error messages.</summary>
    public string Output => string.Join('\n', Lines);

    /// <summary>Runs <paramref name="file"/> with <paramref name="args"/> and waits up to <paramref name="timeout"/>.</summary>
    public static ChildProcess Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var child = new ChildProcess();
        double cpuBefore = ChildUsage.CpuSeconds();
        var clock = Stopwatch.StartNew();
        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        p.OutputDataReceived += (_, e) => child.Add(e.Data);
        p.ErrorDataReceived += (_, e) => child.Add(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            child.WallSeconds = clock.Elapsed.TotalSeconds;
            return child;
        }

        p.WaitForExit(); // drains the output readers
        child.WallSeconds = clock.Elapsed.TotalSeconds;
        child.ExitCode = p.ExitCode;
        child.CpuSeconds = ChildUsage.CpuSeconds() - cpuBefore;
        return child;
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
}
