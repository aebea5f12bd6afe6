using Cpworker.Engine.Configuration;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Control;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>Reload (docs/operations.md, "Reload"): SIGHUP and <c>reload_config</c> re-read the file; the engine swaps tasks.</summary>
internal sealed partial class DaemonHost
{
    /// <summary>Serialises reloads from the file to the engine: one at a time, in the order requested.</summary>
    private readonly SemaphoreSlim _reloadGate = new(1, 1);

    /// <summary>Starts a reload in the background and returns at once (signal handlers and the control socket call it).</summary>
    internal void RequestReload() => _ = ReloadAsync();

    /// <summary>
    /// Re-reads and checks the config file as at start; when it is invalid nothing changes and the
    /// errors are logged as <c>reload failed: …</c>. Otherwise the engine applies it and
    /// <c>reload complete</c> is logged. Returns the summary, or null when nothing was applied.
    /// </summary>
    internal async Task<ReloadSummary?> ReloadAsync() => (await ReloadCoreAsync().ConfigureAwait(false)).Summary;

    /// <summary>Reloads like <see cref="ReloadAsync"/> and tells how it ended (<c>ctl reload</c> waits for this).</summary>
    internal async Task<ReloadOutcome> ReloadWithOutcomeAsync()
    {
        (_, ReloadOutcome outcome) = await ReloadCoreAsync().ConfigureAwait(false);
        return outcome;
    }

    private async Task<(ReloadSummary? Summary, ReloadOutcome Outcome)> ReloadCoreAsync()
    {
        var errors = new List<string>();
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            CpworkerEngine? engine = Engine;
            if (engine is null || _stopRequested.Task.IsCompleted)
            {
                DaemonLog.ReloadIgnored(_logger);
                return (null, new ReloadOutcome(false, "reload ignored: the daemon is not running", errors));
            }

            DaemonLog.Reloading(_logger, _configPath);
            CpworkerConfig? config = LoadConfig(reload: true, errors);
            if (config is null)
            {
                return (null, new ReloadOutcome(false, $"reload failed: {_configPath} has {Math.Max(errors.Count, 1)} error(s); the running configuration is unchanged", errors));
            }

            _notifier?.Reloading();
            _loggers.Level.Level = config.LogLevel;
            ReloadSummary summary = await engine.ReloadAsync(config).ConfigureAwait(false);
            DaemonLog.ReloadComplete(_logger, summary.ToString());
            _notifier?.Ready($"reloaded: {summary.Unchanged.Count + summary.Rebuilt.Count + summary.Added.Count} task(s)");
            return (summary, new ReloadOutcome(true, $"reload complete: {summary}", errors));
        }
        catch (Exception ex)
        {
            DaemonLog.ReloadFailed(_logger, ex.Message);
            errors.Add(ex.Message);
            return (null, new ReloadOutcome(false, $"reload failed: {ex.Message}", errors));
        }
        finally
        {
            _reloadGate.Release();
        }
    }
}
