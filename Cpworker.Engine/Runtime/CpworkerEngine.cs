using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// Runs the tasks of a configuration: each task captures, classifies and forwards on its own
/// threads; a task that fails is retried while the others carry on. A reload
/// (<see cref="ReloadAsync"/>) swaps the configuration without touching unchanged tasks.
/// </summary>
/// <remarks>
/// Thread safety: every public member may be called from any thread. Status and totals are read
/// on request from counters the packet threads write; nothing here runs on a packet thread.
/// </remarks>
public sealed partial class CpworkerEngine : IAsyncDisposable
{
    /// <summary>How long a stop waits for queues to drain before dropping what is left.</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromMilliseconds(2500);

    private readonly TaskGraphFactory _factory;
    private readonly OutputTypeRegistry _registry;
    private readonly ILogger _logger;
    private readonly ThreadAffinity _affinity;
    private readonly TaskCompletionSource _replaysFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SummaryReporter _summary;
    private readonly TimeSpan _retryInterval;

    /// <summary>Guards <see cref="_runners"/>, the retired totals, <see cref="Config"/> and the start/stop flags.</summary>
    private readonly object _gate = new();

    /// <summary>The running tasks, in configuration order.</summary>
    private List<TaskRunner> _runners = new();

    /// <summary>Capture counters of tasks removed or rebuilt by reloads (totals since start include them).</summary>
    private CaptureCounterSnapshot _retiredCapture;

    /// <summary>Output counters of tasks removed or rebuilt by reloads.</summary>
    private OutputCounterSnapshot _retiredOutputs;

    /// <summary>The loop guard of the current configuration.</summary>
    private string? _loopGuard;

    private bool _started;
    private bool _stopped;

    internal CpworkerEngine(CpworkerConfig config, OutputTypeRegistry registry, ILoggerFactory? loggers = null, TimeProvider? time = null, TimeSpan? retryInterval = null)
    {
        _retryInterval = retryInterval ?? TaskRunner.DefaultRetryInterval;
        Config = config;
        _registry = registry;
        loggers ??= NullLoggerFactory.Instance;
        time ??= TimeProvider.System;
        _logger = loggers.CreateLogger("cpworker");
        _factory = new TaskGraphFactory(registry, loggers, time);
        _affinity = new ThreadAffinity(config.CpuAffinity ?? []);
        _summary = new SummaryReporter(this, _logger, time);
        _loopGuard = LoopGuardFilter.Build(config.Tasks, registry);
        foreach (TaskConfig task in config.Tasks)
        {
            _runners.Add(CreateRunner(task, config));
        }
    }

    /// <summary>The configuration the engine runs (after a reload: the new one, with the unchanged tasks as they were).</summary>
    public CpworkerConfig Config { get; private set; }

    /// <summary>
    /// Completes when every <c>pcap_file</c> task has replayed its file or failed permanently
    /// (never, when there is none); <see cref="GetStatus"/> then tells which failed.
    /// </summary>
    public Task ReplaysFinished => _replaysFinished.Task;

    /// <summary>Completes when every task has started or failed once (systemd readiness).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Starts every task. Returns at once; tasks start in the background.</summary>
    public void Start()
    {
        TaskRunner[] runners;
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("the engine is already started");
            }

            _started = true;
            runners = _runners.ToArray();
        }

        _affinity.ConfineProcess();
        foreach (TaskRunner r in runners)
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

        // Every task has flushed its last batch (or given up): channel readers can now see the end.
        foreach (OutputType type in _registry.Types)
        {
            if (type is ChannelOutputType channel)
            {
                channel.Output.Complete();
            }
        }
    }

    /// <summary>Every task's state and counters now.</summary>
    public IReadOnlyList<TaskSnapshot> GetStatus()
    {
        lock (_gate)
        {
            var list = new TaskSnapshot[_runners.Count];
            for (int i = 0; i < list.Length; i++)
            {
                list[i] = _runners[i].Status();
            }

            return list;
        }
    }

    /// <summary>
    /// Totals over every task since the engine started, including tasks removed or rebuilt by a
    /// reload, and the pipeline buffers in use now. Cheap: reads counters, takes no packet-path lock.
    /// </summary>
    public EngineTotals GetTotals()
    {
        lock (_gate)
        {
            CaptureCounterSnapshot capture = _retiredCapture;
            OutputCounterSnapshot outputs = _retiredOutputs;
            PipelineBufferUsage buffer = default;
            foreach (TaskRunner r in _runners)
            {
                TaskSnapshot s = r.Status();
                capture += s.Capture;
                foreach (OutputStatus o in s.Outputs)
                {
                    outputs += o.Counters;
                }

                buffer += s.Buffer;
            }

            return new EngineTotals(capture, outputs, buffer);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private TaskRunner CreateRunner(TaskConfig task, CpworkerConfig config)
    {
        long pipelineBytes = PipelineBytes(config);
        // The task's threads are numbered after those of the tasks before it: pinning does not depend on start or retry order.
        int firstSlot = config.Tasks.Where(t => t.Index < task.Index).Sum(t => PacketScheduler.PinnedThreads(config.ExecutionModel, t));
        var runner = new TaskRunner(task, _factory, config.ExecutionModel, pipelineBytes, _affinity.ForTask(firstSlot), _loopGuard, _logger, _retryInterval);
        runner.EndOfInput += _ => CheckReplays();
        runner.GaveUp += _ => CheckReplays();
        runner.StateChanged += _ => CheckReady();
        return runner;
    }

    private static long PipelineBytes(CpworkerConfig config) => (long)(config.PipelineBufferSizeMb ?? 256) * 1024 * 1024;

    private void CheckReplays()
    {
        bool finished;
        lock (_gate)
        {
            int replays = 0;
            finished = true;
            foreach (TaskRunner r in _runners)
            {
                if (r.IsReplay)
                {
                    replays++;
                    finished &= r.ReplayEnded || r.FailedPermanently;
                }
            }

            finished &= replays > 0;
        }

        if (finished)
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
