using System.Diagnostics.CodeAnalysis;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// Keeps one task running: builds its graph, starts its scheduler, and when the task cannot start
/// or fails (interface removed, netns gone) logs it, marks it failed and retries while the other
/// tasks run on (docs/operations.md, "Task failures"). Retries back off from 5 s to 60 s and the failure is logged again
/// only when it changes or once a minute; a permanent failure
/// (<see cref="CaptureException.IsPermanent"/>) is logged once and not retried
/// (docs/operations.md, "Task failures").
/// </summary>
[SuppressMessage("Reliability", "CA1001", Justification = "_stop is only cancelled, never given a timer or linked: it holds no resource, and the tokens the task's threads hold must stay valid after the runner ends.")]
internal sealed partial class TaskRunner
{
    /// <summary>Pause between a failure and the next attempt (docs/operations.md, "Task failures").</summary>
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>The longest pause, as a multiple of the first one (5 s → 60 s).</summary>
    private const int MaxBackoffFactor = 12;

    /// <summary>A failure that repeats with the same message is logged again after this long.</summary>
    private static readonly TimeSpan RepeatLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Starts in progress at once, process-wide: one per core. Hundreds of tasks starting together
    /// would otherwise queue hundreds of blocking starts on the thread pool, ahead of the control
    /// socket and the stop (docs/configuration.md, "Limits"); waiting here holds no pool thread.
    /// </summary>
    private static readonly SemaphoreSlim StartGate = new(Environment.ProcessorCount);

    private readonly TaskGraphFactory _factory;
    private readonly ExecutionModel _model;
    private readonly ThreadAffinity _affinity;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _run;
    private PacketScheduler? _scheduler;
    private TaskState _state = TaskState.Starting;
    private string? _error;
    private long _pipelineBufferBytes;

    /// <summary>Failures since the task last ran (drives the back-off); touched by the run loop only.</summary>
    private int _consecutiveFailures;

    /// <summary>The failure last logged at error level, when, and how many were not logged since; run loop only.</summary>
    private string? _loggedFailure;
    private long _loggedAtMs;
    private int _unloggedFailures;

    /// <summary>Creates the runner; nothing starts until <see cref="Start"/>.</summary>
    public TaskRunner(TaskConfig config, TaskGraphFactory factory, ExecutionModel model, long pipelineBufferBytes, ThreadAffinity affinity, string? loopGuard, ILogger logger, TimeSpan retryInterval)
    {
        RetryInterval = retryInterval;
        Config = config;
        _factory = factory;
        _model = model;
        _pipelineBufferBytes = pipelineBufferBytes;
        _affinity = affinity;
        LoopGuard = loopGuard;
        _logger = logger;
        OutputCounters = config.Outputs.Select(_ => new OutputCounters()).ToArray();
        CaptureCounters = new CaptureCounters((config.Capturer as LibpcapCaptureConfig)?.Threads ?? 1);
    }

    /// <summary>The task's configuration.</summary>
    public TaskConfig Config { get; }

    /// <summary>Pause between a failure and the next attempt.</summary>
    public TimeSpan RetryInterval { get; }

    /// <summary>The loop guard of the whole configuration (the task applies it unless it is a replay or opted out); guarded by the runner's lock.</summary>
    public string? LoopGuard { get; private set; }

    /// <summary>Capture counters over every incarnation of the task.</summary>
    public CaptureCounters CaptureCounters { get; }

    /// <summary>Output counters over every incarnation, by output index.</summary>
    public IReadOnlyList<OutputCounters> OutputCounters { get; }

    /// <summary>Raised once, when a replay task has delivered its whole file.</summary>
    public event Action<TaskRunner>? EndOfInput;

    /// <summary>Raised when the task changes state (for readiness notification).</summary>
    public event Action<TaskRunner>? StateChanged;

    /// <summary>True once the task has started or failed at least once.</summary>
    public bool Settled { get; private set; }

    /// <summary>True once a replay task has delivered its whole file.</summary>
    public bool ReplayEnded { get; private set; }

    /// <summary>True once the task failed permanently: it is not retried (it counts as ended for <c>--exit-at-eof</c>).</summary>
    public bool FailedPermanently { get; private set; }

    /// <summary>Raised once, when the task fails permanently and gives up.</summary>
    public event Action<TaskRunner>? GaveUp;

    /// <summary>True for tasks that replay a file and end (what <c>--exit-at-eof</c> waits for).</summary>
    public bool IsReplay => SourceTypes.IsReplay(Config.Capturer);

    /// <summary>The task's state and counters now.</summary>
    public TaskSnapshot Status()
    {
        TaskState state;
        string? error;
        PacketScheduler? scheduler;
        lock (_gate)
        {
            state = _state;
            error = _error;
            scheduler = _scheduler;
        }

        var outputs = new OutputStatus[Config.Outputs.Count];
        for (int i = 0; i < outputs.Length; i++)
        {
            OutputConfig o = Config.Outputs[i];
            outputs[i] = new OutputStatus(o.Name, o.Type, OutputCounters[i].Snapshot());
        }

        return new TaskSnapshot(Config.Name, Config.Fingerprint, state, error, CaptureCounters.Snapshot(), outputs)
        {
            Buffer = scheduler?.BufferUsage ?? default,
            CaptureThreads = CaptureCounters.ThreadSnapshots(),
        };
    }

    /// <summary>Starts the task in the background.</summary>
    public void Start() => _run = Task.Run(RunAsync);

    /// <summary>
    /// Stops the task: capture ends, queues drain, outputs flush and close. After
    /// <paramref name="drainTimeout"/> whatever is still queued is dropped and the outputs close.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        PacketScheduler? scheduler;
        lock (_gate)
        {
            // Under the lock: RunAsync either sees the cancellation before it publishes a scheduler, or we see the scheduler.
            _stop.Cancel();
            scheduler = _scheduler;
        }

        if (scheduler is not null)
        {
            scheduler.RequestStop();
            if (await Task.WhenAny(scheduler.Completion, Task.Delay(drainTimeout)) != scheduler.Completion)
            {
                RuntimeLog.NotDrained(_logger, Config.Name, (int)drainTimeout.TotalMilliseconds);
                scheduler.Abort();
            }
        }

        if (_run is not null)
        {
            await Task.WhenAny(_run, Task.Delay(drainTimeout + TimeSpan.FromSeconds(1)));
        }

        SetState(TaskState.Stopped, null);
    }

    private async Task RunAsync()
    {
        CancellationToken stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            SetState(TaskState.Starting, null);
            TaskGraph? graph = null;
            PacketScheduler? scheduler = null;
            string? failure = null;
            bool permanent = false;
            bool restartNow = false;
            bool holdingStartGate = false;
            ulong? enteredNetns = null;
            try
            {
                await StartGate.WaitAsync(stop).ConfigureAwait(false);
                holdingStartGate = true;
                string? guard;
                lock (_gate)
                {
                    guard = LoopGuard;
                }

                graph = _factory.Build(Config, guard, CaptureCounters, OutputCounters);
                graph.EndOfInput += OnEndOfInput;
                PacketScheduler created = PacketScheduler.Create(_model, graph, _affinity, Volatile.Read(ref _pipelineBufferBytes));
                lock (_gate)
                {
                    if (stop.IsCancellationRequested)
                    {
                        // StopAsync ran while the graph was being built and saw no scheduler: do not start one.
                        break;
                    }

                    scheduler = created;
                    _scheduler = scheduler;
                    if (!string.Equals(guard, LoopGuard, StringComparison.Ordinal))
                    {
                        // A reload changed the guard while the graph was being built.
                        scheduler.RequestLoopGuard(LoopGuardFilter.ForTask(Config, LoopGuard));
                    }
                }

                scheduler.Start();
                StartGate.Release(); // the threads exist; waiting for them to run is no work of ours
                holdingStartGate = false;
                await scheduler.Started.ConfigureAwait(false);
                SetState(TaskState.Running, null);
                _consecutiveFailures = 0;
                _loggedFailure = null;
                if (_logger.IsEnabled(LogLevel.Information))
                {
                    string source = DescribeSource(Config.Capturer);
                    string model = _model.ToString().ToLowerInvariant();
                    RuntimeLog.TaskRunning(_logger, Config.Name, source, Config.Outputs.Count, model);
                    foreach (OutputConfig o in Config.Outputs)
                    {
                        string what = _factory.Registry.TryGet(o.Type, out OutputType? type) ? type.Describe(o.Settings) : o.Type;
                        RuntimeLog.OutputRunning(_logger, Config.Name, o.Name, what);
                    }
                }
                string? moved = await WatchNamespaceAsync(graph, scheduler, stop).ConfigureAwait(false);
                if (moved is not null)
                {
                    // The pod restarted or the named namespace was re-created: drain what was captured
                    // in the old one and start again at once in the new one (re-resolved by Open).
                    RuntimeLog.NamespaceMoved(_logger, Config.Name, moved);
                    scheduler.RequestStop();
                    restartNow = true;
                }

                await scheduler.Completion.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex is CaptureException or OutputStartException or DirectionPatternException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
                permanent = ex is CaptureException { IsPermanent: true } or DirectionPatternException { IsPermanent: true };
            }
            finally
            {
                if (holdingStartGate)
                {
                    StartGate.Release();
                }

                enteredNetns = (graph?.Source as LiveCaptureSource)?.EnteredNetns?.Inode;
                bool threadsEnded = true;
                if (scheduler is not null)
                {
                    // Wait for the task's threads before disposing what they use (the capture handle, sockets).
                    threadsEnded = await Task.WhenAny(scheduler.Completion, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false) == scheduler.Completion;
                }

                if (threadsEnded)
                {
                    graph?.Dispose();
                }
                else
                {
                    // Closing a pcap handle or socket under a running thread could crash the process; leaking it cannot.
                    RuntimeLog.ThreadsDidNotEnd(_logger, Config.Name);
                    graph?.DisposeWhenDone(scheduler!.Completion);
                }
                lock (_gate)
                {
                    _scheduler = null;
                }
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            if (restartNow && failure is null)
            {
                continue;
            }

            failure ??= "stopped unexpectedly";
            if (failure.StartsWith(Config.Name + "/", StringComparison.Ordinal))
            {
                failure = failure[(Config.Name.Length + 1)..]; // "task/output: …" → "output: …" after the task prefix below
            }

            SetState(TaskState.Failed, failure);
            if (permanent)
            {
                RuntimeLog.NotRetrying(_logger, Config.Name, failure);
                FailedPermanently = true;
                GaveUp?.Invoke(this);
                break;
            }

            TimeSpan delay = NextDelay();
            LogFailure(failure, delay);
            try
            {
                await WaitBeforeRetryAsync(delay, enteredNetns, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>The pause before the next attempt: the retry interval, doubled after each failure in a row, at most 12 times it.</summary>
    private TimeSpan NextDelay()
    {
        int doublings = Math.Min(_consecutiveFailures, 4);
        _consecutiveFailures++;
        long ticks = Math.Min(RetryInterval.Ticks << doublings, RetryInterval.Ticks * MaxBackoffFactor);
        return TimeSpan.FromTicks(ticks);
    }

    /// <summary>Logs a failure when it differs from the last one logged or a minute has passed; else at debug level.</summary>
    private void LogFailure(string failure, TimeSpan delay)
    {
        long now = Environment.TickCount64;
        string retry = delay >= TimeSpan.FromSeconds(1) ? $"{(int)delay.TotalSeconds} s" : $"{(int)delay.TotalMilliseconds} ms";
        if (string.Equals(failure, _loggedFailure, StringComparison.Ordinal) && now - _loggedAtMs < (long)RepeatLogInterval.TotalMilliseconds)
        {
            _unloggedFailures++;
            RuntimeLog.RetryingAgain(_logger, Config.Name, failure, retry);
            return;
        }

        string repeated = _unloggedFailures > 0 ? $" (failed {_unloggedFailures + 1} times since the last report)" : "";
        RuntimeLog.Retrying(_logger, Config.Name, failure, retry, repeated);
        _loggedFailure = failure;
        _loggedAtMs = now;
        _unloggedFailures = 0;
    }

    /// <summary>Changes the pipeline budget for the task's next start (reload applies it at once to new tasks).</summary>
    public void SetPipelineBufferBytes(long bytes) => Volatile.Write(ref _pipelineBufferBytes, bytes);

    /// <summary>
    /// Replaces the configuration's loop guard: the running capture gets the new filter without a
    /// restart (between two fills, no packet lost), and a later restart uses it. True when this
    /// task's own filter changes (replays and <c>not_filter_output_hosts</c> tasks never do).
    /// </summary>
    public bool UpdateLoopGuard(string? guard)
    {
        lock (_gate)
        {
            string? before = LoopGuardFilter.ForTask(Config, LoopGuard);
            string? after = LoopGuardFilter.ForTask(Config, guard);
            LoopGuard = guard;
            if (string.Equals(before, after, StringComparison.Ordinal))
            {
                return false;
            }

            _scheduler?.RequestLoopGuard(after);
            return true;
        }
    }

    private void OnEndOfInput()
    {
        if (ReplayEnded)
        {
            return; // a looping or restarted replay reports once
        }

        ReplayEnded = true;
        EndOfInput?.Invoke(this);
    }

    private void SetState(TaskState state, string? error)
    {
        lock (_gate)
        {
            if (_state == TaskState.Stopped)
            {
                return;
            }

            _state = state;

            // A task starting again after a failure keeps showing why it failed until it runs.
            _error = state == TaskState.Starting ? _error : error;
            if (state is TaskState.Running or TaskState.Failed)
            {
                Settled = true;
            }
        }

        StateChanged?.Invoke(this);
    }

    private static string DescribeSource(CaptureConfig c) => SourceTypes.For(c).Describe(c);
}
