using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>The daemon run in-process with <c>--exit-at-eof</c>, stopped if it does not end by itself in time.</summary>
internal static class ExitAtEofRun
{
    /// <summary>Whether the run ended by itself within <paramref name="timeoutMs"/>, and its exit code.</summary>
    public static (bool Ended, int ExitCode) Run(string configPath, LogCapture log, int timeoutMs)
    {
        var host = new DaemonHost(configPath, exitAtEof: true, log) { HandleSignals = false };
        Task<int> run = Task.Run(host.RunAsync);
        bool ended = run.Wait(timeoutMs);
        if (!ended)
        {
            host.RequestStop();
            run.Wait(10_000);
        }

        return (ended, run.Result);
    }
}
