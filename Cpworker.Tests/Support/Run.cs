using System.Diagnostics;

namespace Cpworker.Tests.Support;

/// <summary>Runs external tools (ip, tcpdump, tshark, python3) with a deadline.</summary>
internal static class Run
{
    /// <summary>Runs a command to completion; throws with its output when it fails or overruns.</summary>
    public static string Checked(string file, string args, int timeoutMs = 20_000)
    {
        (int code, string stdout, string stderr) = Command(file, args, timeoutMs);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {args} exited {code}: {stderr}{stdout}");
        }

        return stdout;
    }

    /// <summary>Runs a command to completion and returns its exit code and output; -1 when it overran (it is killed).</summary>
    public static (int ExitCode, string Stdout, string Stderr) Command(string file, string args, int timeoutMs = 20_000)
    {
        using Process p = Start(file, args);
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, stdout.Result, stderr.Result + $"\n(killed after {timeoutMs} ms)");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts a command with redirected output; the caller waits for and disposes it.</summary>
    public static Process Start(string file, string args, IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (environment is not null)
        {
            foreach ((string k, string v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static bool Until(Func<bool> condition, int timeoutMs, int pollMs = 20)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            if (condition())
            {
                return true;
            }

            Thread.Sleep(pollMs);
        }

        return condition();
    }
}
