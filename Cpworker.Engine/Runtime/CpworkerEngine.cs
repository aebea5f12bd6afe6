using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// Runs the tasks of a configuration: each task captures, classifies and forwards on its own
/// threads; a task that fails is retried while the others carry on.
/// </summary>
public sealed class CpworkerEngine : IAsyncDisposable
{
    /// <summary>How long a stop waits for queues to drain before dropping what is left.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromMilliseconds(2500);

    private readonly TaskGraphFactory _factory;
    private readonly ILogger _logger;
    private readonly ThreadAffinity _affinity;
    private readonly List<TaskRunner> _runners = new();
    private readonly TaskCompletionSource _replaysFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SummaryReporter _summary;
    private readonly object _gate = new();
    private readonly TimeSpan _retryInterval;
    private int _replaysPending;
    private bool _started;
    private bool _stopped;

    internal CpworkerEngine(CpworkerConfig config, OutputTypeRegistry registry, ILoggerFactory? loggers = null, TimeProvider? time = null, TimeSpan? retryInterval = null)
    {
        _retryInterval = retryInterval ?? TaskRunner.DefaultRetryInterval;
        Config = config;
        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        _logger = loggers.CreateLogger("cpworker");
        _factory = new TaskGraphFactory(registry, loggers, time);
        _affinity = new ThreadAffinity(config.CpuAffinity ?? []);
        _summary = new SummaryReporter(this, _logger, time);
        string? guard = LoopGuardFilter.Build(config.Tasks, registry);
        foreach (TaskConfig task in config.Tasks)
        {
            _runners.Add(CreateRunner(task, guard));
        }
    }

    /// <summary>The configuration the engine runs.</summary>
    public CpworkerConfig Config { get; private set; }

    /// <summary>Completes when every <c>pcap_file</c> task has replayed its file (never, when there is none).</summary>
    public Task ReplaysFinished => _replaysFinished.Task;

    /// <summary>Completes when every task has started or failed once (systemd readiness).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Starts every task. Returns at once; tasks start in the background.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("the engine is already started");
            }

            _started = true;
        }

        _affinity.ConfineProcess();
        _replaysPending = _runners.Count(r => r.Config.Capturer is PcapFileCaptureConfig or CustomCaptureConfig { IsReplay: true });
        foreach (TaskRunner r in _runners)
        {
            r.Start();
        }

        CheckReady();
        _summary.Start();
    }

    /// <summary>
    /// Stops every task: capture ends, queues drain, files are completed. Whatever has not drained
    /// after <paramref name="drainTimeout"/> (default 2.5 s) is dropped so that a stop stays within 3 s.
    /// </summary>
    public async Task StopAsync(TimeSpan? drainTimeout = null)
    {
        TaskRunner[] runners;
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            runners = _runners.ToArray();
        }

        _summary.Dispose();
        TimeSpan timeout = drainTimeout ?? DefaultDrainTimeout;
        await Task.WhenAll(runners.Select(r => r.StopAsync(timeout))).ConfigureAwait(false);
    }

    /// <summary>Every task's state and counters now.</summary>
    public IReadOnlyList<TaskStatus> GetStatus()
    {
        lock (_gate)
        {
            return _runners.Select(r => r.Status()).ToArray();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private TaskRunner CreateRunner(TaskConfig task, string? guard)
    {
        long pipelineBytes = (long)(Config.PipelineBufferSizeMb ?? 256) * 1024 * 1024;
        var runner = new TaskRunner(task, _factory, Config.ExecutionModel, pipelineBytes, _affinity, guard, _logger, _retryInterval);
        runner.EndOfInput += OnEndOfInput;
        runner.StateChanged += _ => CheckReady();
        return runner;
    }

    private void OnEndOfInput(TaskRunner runner)
    {
        if (Interlocked.Decrement(ref _replaysPending) == 0)
        {
            _replaysFinished.TrySetResult();
        }
    }

    private void CheckReady()
    {
        bool ready;
        lock (_gate)
        {
            ready = _started && _runners.All(r => r.Settled);
        }

        if (ready)
        {
            _ready.TrySetResult();
        }
    }
}
