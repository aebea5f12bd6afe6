using System.Diagnostics;
using System.Globalization;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A libzmq PULL receiver in its own process that times the first and last message and sums the
/// batches' record counts: <c>baseline/zmq_pull_sink.c</c> (C, compiled with gcc against Debian's
/// libzmq3-dev on first use) or <c>baseline/zmq_pull_sink.py</c> (Debian's python3-zmq). Both bind
/// 127.0.0.1 on a free port and answer <c>r</c> (reset) and <c>s</c> (stats) on stdin.
/// </summary>
internal sealed class ZmqSink : IDisposable
{
    /// <summary>Where Debian's python3-zmq is (python3 on PATH may be a shim without it).</summary>
    public const string PythonPath = "/usr/bin/python3";

    private readonly Process _process;
    private readonly StreamReader _out;

    private ZmqSink(Process process, string kind)
    {
        _process = process;
        _out = process.StandardOutput;
        Kind = kind;
        string? line = ReadLine(TimeSpan.FromSeconds(20));
        Port = int.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            ? port
            : throw new InvalidOperationException($"the {kind} ZMQ receiver did not start: {line} {_process.StandardError.ReadToEnd()}");
    }

    /// <summary><c>c</c> or <c>python</c>.</summary>
    public string Kind { get; }

    /// <summary>The bound port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>Starts the C receiver on a free port (or <paramref name="port"/>), compiling it into <paramref name="cacheDirectory"/> first; null when it cannot be built.</summary>
    public static ZmqSink? TryStartC(string cacheDirectory, TextWriter? log = null, int port = 0)
    {
        string? program = TryCompile(cacheDirectory, "zmq_pull_sink", log);
        return program is null ? null : Start(program, port > 0 ? [port.ToString(CultureInfo.InvariantCulture)] : [], "c");
    }

    /// <summary>Compiles <c>baseline/NAME.c</c> against libzmq into <paramref name="cacheDirectory"/> (once per source text); null when it cannot be built.</summary>
    public static string? TryCompile(string cacheDirectory, string name, TextWriter? log = null)
    {
        string source = Path.Combine(AppContext.BaseDirectory, "baseline", name + ".c");
        string text = File.ReadAllText(source);
        string hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..12];
        string program = Path.Combine(cacheDirectory, $"{name}-{hash}");
        if (!File.Exists(program))
        {
            Directory.CreateDirectory(cacheDirectory);
            ChildProcess gcc;
            try
            {
                gcc = ChildProcess.Run("gcc", ["-O2", "-o", program, source, "-lzmq"], TimeSpan.FromMinutes(2));
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                log?.WriteLine($"cannot build {name}: gcc: {ex.Message}");
                return null;
            }

            if (gcc.ExitCode != 0)
            {
                log?.WriteLine($"cannot build {name} (needs gcc and libzmq3-dev): {gcc.Output}");
                return null;
            }
        }

        return program;
    }

    /// <summary>Starts the python3-zmq receiver; null when python3-zmq is missing.</summary>
    public static ZmqSink? TryStartPython()
    {
        if (!File.Exists(PythonPath) || ChildProcess.Run(PythonPath, ["-c", "import zmq"], TimeSpan.FromSeconds(20)).ExitCode != 0)
        {
            return null;
        }

        return Start(PythonPath, [Path.Combine(AppContext.BaseDirectory, "baseline", "zmq_pull_sink.py")], "python");
    }

    /// <summary>Zeroes the counts.</summary>
    public void Reset()
    {
        _process.StandardInput.Write("r\n");
        _process.StandardInput.Flush();
        string? line = ReadLine(TimeSpan.FromSeconds(10));
        if (line != "reset")
        {
            throw new InvalidOperationException($"the {Kind} ZMQ receiver answered \"{line}\" to a reset");
        }
    }

    /// <summary>What it received since the last <see cref="Reset"/>.</summary>
    public ZmqSinkStats Stats()
    {
        _process.StandardInput.Write("s\n");
        _process.StandardInput.Flush();
        string? line = ReadLine(TimeSpan.FromSeconds(10));
        string[] f = line?.Split(' ') ?? [];
        if (f.Length != 6 || f[0] != "stats")
        {
            throw new InvalidOperationException($"the {Kind} ZMQ receiver answered \"{line}\" to stats");
        }

        long L(int i) => long.Parse(f[i], CultureInfo.InvariantCulture);
        return new ZmqSinkStats(L(1), L(2), L(3), L(4), L(5));
    }

    /// <summary>
    /// Waits until <paramref name="records"/> records have arrived, or nothing arrived for
    /// <paramref name="quiet"/>, or <paramref name="limit"/> passed; the counts then.
    /// </summary>
    public ZmqSinkStats WaitFor(long records, TimeSpan quiet, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        ZmqSinkStats last = Stats();
        var unchanged = Stopwatch.StartNew();
        while (last.Records < records && unchanged.Elapsed < quiet && clock.Elapsed < limit)
        {
            Thread.Sleep(50);
            ZmqSinkStats now = Stats();
            if (now.Messages != last.Messages)
            {
                unchanged.Restart();
            }

            last = now;
        }

        return last;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close(); // it exits at the end of stdin
            if (!_process.WaitForExit(5000))
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static ZmqSink Start(string file, string[] args, string kind)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        Process p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        return new ZmqSink(p, kind);
    }

    private string? ReadLine(TimeSpan timeout)
    {
        Task<string?> line = _out.ReadLineAsync();
        return line.Wait(timeout) ? line.Result : throw new TimeoutException($"the {Kind} ZMQ receiver did not answer within {timeout.TotalSeconds} s");
    }
}
