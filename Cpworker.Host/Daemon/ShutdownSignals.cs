using System.Runtime.InteropServices;

namespace Cpworker.Host.Daemon;

/// <summary>
/// SIGINT/SIGTERM request a graceful stop; a second one exits at once. SIGHUP requests a reload.
/// With a backstop, the first stop signal also starts a thread of its own that ends the process
/// when the orderly stop has not ended it by then: the runtime calls the handler on a thread of
/// its own, but the orderly stop runs on the thread pool, which a start of hundreds of tasks can
/// starve for many seconds (docs/operations.md, "Signals and exit codes").
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    /// <summary>Exit code when a second signal cuts the stop short.</summary>
    public const int ForcedExitCode = 1;

    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly TaskCompletionSource<PosixSignal> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeSpan? _backstop;
    private int _stopSignals;

    /// <summary>Registers the handlers; <paramref name="backstop"/>: the longest a stop may take from the first stop signal.</summary>
    public ShutdownSignals(Action? onReload = null, TimeSpan? backstop = null)
    {
        _backstop = backstop;

        // SIGHUP means "reload" (or "print the counters") here even when the parent ignored it, as under nohup.
        Interop.HostLibC.RestoreDefaultAction(Interop.HostLibC.SigHup);
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, OnStop));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true; // the default action of SIGHUP would end the process
            onReload?.Invoke();
        }));
    }

    /// <summary>Completes with the first stop signal.</summary>
    public Task<PosixSignal> StopRequested => _stop.Task;

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (PosixSignalRegistration r in _registrations)
        {
            r.Dispose();
        }
    }

    private void OnStop(PosixSignalContext ctx)
    {
        ctx.Cancel = true;
        if (Interlocked.Increment(ref _stopSignals) > 1)
        {
            Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-ddTHH:mm:ss} WARN second {ctx.Signal}: exiting at once");
            Environment.Exit(ForcedExitCode);
        }

        if (_backstop is TimeSpan backstop)
        {
            PosixSignal signal = ctx.Signal;
            new Thread(() =>
            {
                Thread.Sleep(backstop);
                Console.Error.WriteLine($"{DateTime.Now:yyyy-MM-ddTHH:mm:ss} ERROR {signal}: the stop did not end within {backstop.TotalMilliseconds:F0} ms (the daemon is too busy to finish it in order); exiting");
                Environment.Exit(ForcedExitCode);
            })
            { IsBackground = true, Name = "cpw-stop-backstop" }.Start();
        }

        _stop.TrySetResult(ctx.Signal);
    }
}
