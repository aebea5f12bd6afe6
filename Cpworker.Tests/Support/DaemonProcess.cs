using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Cpworker.Tests.Support;

/// <summary>
/// The real <c>cpworker</c> daemon as a child process (the build copies cpworker.dll next to the
/// tests): start it with arguments, wait for log lines with deadlines, send it signals, collect
/// its exit code. Killed on dispose if still running.
/// </summary>
internal sealed partial class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = new();
    private readonly object _gate = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    /// <summary>Path of cpworker.dll in the test output directory.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "cpworker.dll");

    /// <summary>The process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Every line the daemon wrote (stderr and stdout) so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>Starts <c>cpworker ARGS</c> in <paramref name="workingDirectory"/>.</summary>
    public static DaemonProcess Start(string args, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", $"\"{DllPath}\" {args}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        if (environment is not null)
        {
            foreach ((string k, string v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        return new DaemonProcess(Process.Start(psi) ?? throw new InvalidOperationException("cannot start cpworker"));
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; false on timeout or exit.</summary>
    public bool WaitForLine(string text, int timeoutMs) =>
        Run.Until(() => Lines.Any(l => l.Contains(text, StringComparison.Ordinal)) , timeoutMs, pollMs: 10);

    /// <summary>Sends a signal (SIGTERM = 15, SIGINT = 2, SIGHUP = 1).</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the exit; null when it did not exit within <paramref name="timeoutMs"/>.</summary>
    public int? WaitForExit(int timeoutMs)
    {
        if (!_process.WaitForExit(timeoutMs))
        {
            return null;
        }

        _process.WaitForExit(); // drain the output readers
        return _process.ExitCode;
    }

    /// <summary>All output, for assertion messages.</summary>
    public string Output => string.Join('\n', Lines);

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
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
