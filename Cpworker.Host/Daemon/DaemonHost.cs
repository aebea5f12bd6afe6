using System.Diagnostics;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Logging;
using Cpworker.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>
/// The daemon's life: read and check the config, start the engine, wait for a stop signal (or the
/// end of every replay with <c>--exit-at-eof</c>), stop within 3 s with everything flushed.
/// </summary>
internal sealed class DaemonHost
{
    /// <summary>Total time a stop may take before the process gives up waiting.</summary>
    public static readonly TimeSpan StopDeadline = TimeSpan.FromMilliseconds(2900);

    private readonly string _configPath;
    private readonly bool _exitAtEof;
    private readonly StderrLoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly OutputTypeRegistry _registry = StandardOutputs.CreateRegistry();

    /// <summary>Creates the daemon for a config file.</summary>
    public DaemonHost(string configPath, bool exitAtEof, TextWriter? log = null)
    {
        _configPath = Path.GetFullPath(configPath);
        _exitAtEof = exitAtEof;
        _loggers = new StderrLoggerFactory(new LogLevelSwitch(LogLevel.Information), log);
        _logger = _loggers.CreateLogger("cpworker");
    }

    /// <summary>Runs until stopped; returns the process exit code.</summary>
    public async Task<int> RunAsync()
    {
        CpworkerConfig? config = LoadConfig();
        if (config is null)
        {
            return ExitCodes.BadConfig;
        }

        _loggers.Level.Level = config.LogLevel;
        using var signals = new ShutdownSignals();
        await using var engine = new CpworkerEngine(config, _registry, _loggers);
        _logger.LogInformation(
            "cpworker {Version} starting (pid {Pid}): {Tasks} task(s), {Model} model, config {Config}",
            VersionInfo.Version, Environment.ProcessId, config.Tasks.Count, config.ExecutionModel.ToString().ToLowerInvariant(), _configPath);
        engine.Start();

        var waits = new List<Task> { signals.StopRequested };
        if (_exitAtEof)
        {
            if (config.Tasks.Any(t => t.Capturer is PcapFileCaptureConfig))
            {
                waits.Add(engine.ReplaysFinished);
            }
            else
            {
                _logger.LogWarning("--exit-at-eof: no pcap_file task; running until stopped");
            }
        }

        Task reason = await Task.WhenAny(waits).ConfigureAwait(false);
        string why = reason == signals.StopRequested ? signals.StopRequested.Result.ToString() : "every replay has ended";
        _logger.LogInformation("{Reason}: stopping", why);
        var clock = Stopwatch.StartNew();
        Task stop = engine.StopAsync();
        if (await Task.WhenAny(stop, Task.Delay(StopDeadline)).ConfigureAwait(false) != stop)
        {
            _logger.LogError("stop did not complete within {Ms} ms; exiting", (int)StopDeadline.TotalMilliseconds);
            return ExitCodes.Failure;
        }

        _logger.LogInformation("stopped in {Ms} ms", clock.ElapsedMilliseconds);
        return ExitCodes.Ok;
    }

    /// <summary>Reads the config, logs every warning and error; null when it cannot run.</summary>
    private CpworkerConfig? LoadConfig()
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(_configPath, _registry);
        foreach (ConfigDiagnostic d in result.Diagnostics.Items)
        {
            _logger.Log(d.Severity == ConfigSeverity.Error ? LogLevel.Error : LogLevel.Warning, "config: {Problem}", d.ToString());
        }

        if (result.Config is null)
        {
            _logger.LogError("{Config}: invalid configuration, not starting", _configPath);
            return null;
        }

        // Host problems of a task (a missing interface, an unwritable directory) do not stop the
        // daemon: that task fails and is retried every 5 s while the others run. Process-wide ones do.
        var host = new ConfigDiagnostics();
        ConfigHostChecker.Check(result.Config, _registry, host);
        bool fatal = false;
        foreach (ConfigDiagnostic d in host.Items)
        {
            bool processWide = !d.Path.StartsWith("tasks[", StringComparison.Ordinal);
            fatal |= processWide && d.Severity == ConfigSeverity.Error;
            _logger.Log(processWide && d.Severity == ConfigSeverity.Error ? LogLevel.Error : LogLevel.Warning, "host: {Problem}", d.ToString());
        }

        if (fatal)
        {
            _logger.LogError("{Config}: cannot run on this host, not starting", _configPath);
            return null;
        }

        return result.Config;
    }
}
