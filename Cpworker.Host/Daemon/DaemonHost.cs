using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Control;
using Cpworker.Host.Logging;
using Cpworker.Host.Metrics;
using Cpworker.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>
/// The daemon's life: read and check the config, bind the control socket, start the engine, tell
/// systemd, serve reloads (SIGHUP, <c>reload_config</c>), wait for a stop (signal, <c>shutdown</c>,
/// or the end of every replay with <c>--exit-at-eof</c>), stop within 3 s with everything flushed.
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "One DaemonHost per process run: _loggers does not own its writer (Dispose is empty) and _reloadGate never creates a wait handle; nothing is left to release.")]
internal sealed partial class DaemonHost
{
    /// <summary>Total time a stop may take before the process gives up waiting.</summary>
    public static readonly TimeSpan StopDeadline = TimeSpan.FromMilliseconds(2900);

    /// <summary>
    /// When a stop signal ends the process whatever the state of the orderly stop: just after
    /// <see cref="StopDeadline"/>, whose timer needs the thread pool (docs/operations.md, "Signals and exit codes").
    /// </summary>
    public static readonly TimeSpan StopBackstop = TimeSpan.FromMilliseconds(3000);

    private readonly string _configPath;
    private readonly bool _exitAtEof;
    private readonly StderrLoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<string> _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SystemdNotifier? _notifier;

    /// <summary>Creates the daemon for a config file.</summary>
    public DaemonHost(string configPath, bool exitAtEof, TextWriter? log = null, LogFormat logFormat = LogFormat.Text)
    {
        _configPath = Path.GetFullPath(configPath);
        _exitAtEof = exitAtEof;
        _loggers = new StderrLoggerFactory(new LogLevelSwitch(LogLevel.Information), log, logFormat);
        _logger = _loggers.CreateLogger("cpworker");
    }

    /// <summary>Output types the config may use (tests add their own).</summary>
    internal OutputTypeRegistry Registry { get; init; } = StandardOutputs.CreateRegistry();

    /// <summary>Applied to every loaded config, at start and at reload (tests swap capturers and outputs for fakes).</summary>
    internal Func<CpworkerConfig, CpworkerConfig>? AdaptConfig { get; init; }

    /// <summary>False in tests that run several daemons in one process: no SIGINT/SIGTERM/SIGHUP handlers.</summary>
    internal bool HandleSignals { get; init; } = true;

    /// <summary>Non-null: reload when the config file changes on disk, checking this often (<c>run --watch-config</c>).</summary>
    internal TimeSpan? WatchConfigInterval { get; init; }

    /// <summary>Idle timeout of control clients (10 s).</summary>
    internal TimeSpan ControlIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The engine, once running.</summary>
    internal CpworkerEngine? Engine { get; private set; }

    /// <summary>The control server, once listening.</summary>
    internal ControlServer? Control { get; private set; }

    /// <summary>The log level switch (reload and <c>set_log_level</c> change it).</summary>
    internal LogLevelSwitch LogSwitch => _loggers.Level;

    /// <summary>Completes once the engine runs and the control socket listens; faults when the daemon did not start.</summary>
    internal Task Started => _started.Task;

    /// <summary>Requests a graceful stop, as SIGTERM does (the <c>shutdown</c> control command).</summary>
    internal void RequestStop(string reason = "shutdown requested") => _stopRequested.TrySetResult(reason);

    /// <summary>Runs until stopped; returns the process exit code.</summary>
    public async Task<int> RunAsync()
    {
        try
        {
            return await RunCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _started.TrySetException(new InvalidOperationException("the daemon did not start"));
            _ = _started.Task.Exception;
        }
    }

    private async Task<int> RunCoreAsync()
    {
        CpworkerConfig? config = LoadConfig(reload: false);
        if (config is null)
        {
            return ExitCodes.BadConfig;
        }

        _loggers.Level.Level = config.LogLevel;
        using var notifier = SystemdNotifier.FromEnvironment(_logger);
        _notifier = notifier;
        using ShutdownSignals? signals = HandleSignals ? new ShutdownSignals(RequestReload, StopBackstop) : null;
        var options = new CpworkerEngineOptions { LoggerFactory = _loggers }.UseRegistry(Registry);
        await using CpworkerEngine engine = CpworkerEngine.Create(config, options);
        var started = DateTimeOffset.UtcNow;
        long startedTicks = Environment.TickCount64;
        ControlServer? control = null;
        if (config.ControlSocketPath is string socketPath)
        {
            var target = new ControlTarget
            {
                Engine = engine,
                ConfigPath = _configPath,
                LogLevel = _loggers.Level,
                RequestReload = RequestReload,
                ReloadAndWait = ReloadWithOutcomeAsync,
                RequestShutdown = () => RequestStop(),
                StartedAt = started,
                StartedTicks = startedTicks,
            };
            try
            {
                control = ControlServer.Bind(socketPath, target, _logger, ControlIdleTimeout);
            }
            catch (ControlSocketException ex)
            {
                DaemonLog.NotStarting(_logger, ex.Message);
                return ExitCodes.BadConfig;
            }
        }

        try
        {
            using var metrics = new CpworkerMetrics(engine, VersionInfo.Version);
            using PrometheusEndpoint? prometheus = config.PrometheusListen is string listen ? PrometheusEndpoint.TryStart(listen, _logger) : null;
            Engine = engine;
            DaemonLog.Starting(
                _logger,
                VersionInfo.Version, Environment.ProcessId, config.Tasks.Count, config.ExecutionModel.ToString().ToLowerInvariant(), _configPath);
            engine.Start();
            Control = control;
            control?.Start();
            _started.TrySetResult();
            _ = engine.Ready.ContinueWith(_ => notifier.Ready(DescribeTasks(engine)), TaskScheduler.Default);
            await using ConfigFileWatcher? watcher = WatchConfigInterval is TimeSpan every ? new ConfigFileWatcher(_configPath, every, RequestReload, _logger) : null;

            var waits = new List<Task> { _stopRequested.Task };
            if (signals is not null)
            {
                waits.Add(signals.StopRequested);
            }

            if (_exitAtEof)
            {
                if (config.Tasks.Any(t => SourceTypes.IsReplay(t.Capturer)))
                {
                    waits.Add(engine.ReplaysFinished);
                }
                else
                {
                    DaemonLog.ExitAtEofWithoutReplay(_logger);
                }
            }

            Task reason = await Task.WhenAny(waits).ConfigureAwait(false);
            string why = reason == _stopRequested.Task ? _stopRequested.Task.Result
                : reason == signals?.StopRequested ? signals.StopRequested.Result.ToString()
                : "every replay has ended";

            // A replay that failed for good ends the run too, but the run did not do its job (read before the stop clears the states).
            List<string> failedReplays = reason == engine.ReplaysFinished ? FailedReplays(engine) : [];
            DaemonLog.Stopping(_logger, why);
            notifier.Stopping();
            var clock = Stopwatch.StartNew();
            if (control is not null)
            {
                await control.DisposeAsync().ConfigureAwait(false);
            }

            Task stop = engine.StopAsync();
            TimeSpan left = StopDeadline - clock.Elapsed;
            if (left <= TimeSpan.Zero || await Task.WhenAny(stop, Task.Delay(left)).ConfigureAwait(false) != stop)
            {
                DaemonLog.StopTimedOut(_logger, (int)StopDeadline.TotalMilliseconds);
                return ExitCodes.Failure;
            }

            DaemonLog.Stopped(_logger, clock.ElapsedMilliseconds);
            if (failedReplays.Count > 0)
            {
                DaemonLog.ReplaysFailed(_logger, failedReplays.Count, string.Join(", ", failedReplays));
                return ExitCodes.Failure;
            }

            // A replay run whose outputs could not write what they were given did not do its job either.
            if (reason == engine.ReplaysFinished && OutputErrorDrops(engine) is { Count: > 0 } lost)
            {
                DaemonLog.ReplayOutputsLost(_logger, lost.Sum(l => l.Packets), string.Join(", ", lost.Select(l => $"{l.Output}: {l.Packets}")));
                return ExitCodes.Failure;
            }

            return ExitCodes.Ok;
        }
        finally
        {
            if (control is not null)
            {
                await control.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static List<string> FailedReplays(CpworkerEngine engine)
    {
        var replays = engine.Config.Tasks
            .Where(t => SourceTypes.IsReplay(t.Capturer))
            .Select(t => t.Name)
            .ToHashSet(StringComparer.Ordinal);
        return engine.GetStatus().Where(s => s.State == TaskState.Failed && replays.Contains(s.Name)).Select(s => s.Name).ToList();
    }

    /// <summary>The outputs (<c>task/output</c>) that dropped packets because they could not send or write them.</summary>
    private static List<(string Output, long Packets)> OutputErrorDrops(CpworkerEngine engine) =>
        engine.GetStatus()
            .SelectMany(t => t.Outputs.Where(o => o.Counters.ErrorDropPackets > 0).Select(o => ($"{t.Name}/{o.Name}", o.Counters.ErrorDropPackets)))
            .ToList();

    private static string DescribeTasks(CpworkerEngine engine)
    {
        IReadOnlyList<TaskSnapshot> status = engine.GetStatus();
        int running = status.Count(s => s.State == TaskState.Running);
        return $"{running} of {status.Count} task(s) running";
    }

    /// <summary>
    /// Reads the config and runs the host checks; logs every warning and error (prefixed
    /// <c>reload failed:</c> at reload); null when it cannot run.
    /// </summary>
    private CpworkerConfig? LoadConfig(bool reload, List<string>? errorsOut = null)
    {
        string errorPrefix = reload ? "reload failed: " : "config: ";
        ConfigLoadResult result = ConfigLoader.LoadFile(_configPath, Registry);
        int errors = 0;
        foreach (ConfigDiagnostic d in result.Diagnostics.Items)
        {
            bool error = d.Severity == ConfigSeverity.Error;
            errors += error ? 1 : 0;
            if (error)
            {
                errorsOut?.Add(d.ToString());
            }

            DaemonLog.CheckProblem(_logger, error ? LogLevel.Error : LogLevel.Warning, error ? errorPrefix : "config: ", d.ToString());
        }

        if (result.Config is null)
        {
            if (reload)
            {
                DaemonLog.ReloadConfigInvalid(_logger, _configPath, Math.Max(errors, 1));
            }
            else
            {
                DaemonLog.ConfigInvalid(_logger, _configPath, Math.Max(errors, 1));
            }

            return null;
        }

        // Host problems of a task (a missing interface, an unwritable directory) do not stop the
        // daemon: that task fails and is retried every 5 s while the others run. Process-wide ones do.
        var host = new ConfigDiagnostics();
        ConfigHostChecker.Check(result.Config, Registry, host);
        int fatal = 0;
        foreach (ConfigDiagnostic d in host.Items)
        {
            bool processWide = !d.Path.StartsWith("tasks[", StringComparison.Ordinal);
            bool error = processWide && d.Severity == ConfigSeverity.Error;
            fatal += error ? 1 : 0;
            if (error)
            {
                errorsOut?.Add(d.ToString());
            }

            DaemonLog.CheckProblem(_logger, error ? LogLevel.Error : LogLevel.Warning, error ? errorPrefix : "host: ", d.ToString());
        }

        if (fatal > 0)
        {
            if (reload)
            {
                DaemonLog.ReloadHostUnfit(_logger, _configPath, fatal);
            }
            else
            {
                DaemonLog.HostUnfit(_logger, _configPath, fatal);
            }

            return null;
        }

        return AdaptConfig is null ? result.Config : AdaptConfig(result.Config);
    }
}
