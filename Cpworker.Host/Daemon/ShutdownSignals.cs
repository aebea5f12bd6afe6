using System.Runtime.InteropServices;

namespace Cpworker.Host.Daemon;

/// <summary>
/// SIGINT/SIGTERM request a graceful stop; a second one exits at once. SIGHUP requests a reload.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    /// <summary>Exit code when a second signal cuts the stop short.</summary>
    public const int ForcedExitCode = 1;

    private readonly List<PosixSignalRegistration> _registrations = new();
    private readonly TaskCompletionSource<PosixSignal> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopSignals;

    /// <summary>Registers the handlers.</summary>
    public ShutdownSignals(Action? onReload = null)
    {
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

        _stop.TrySetResult(ctx.Signal);
    }
}
