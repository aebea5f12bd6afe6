using Cpworker.Engine.Configuration;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// Decides which threads run a task's stages. The stages are the same for every scheduler;
/// switching <c>execution_model</c> swaps the scheduler and nothing else.
/// </summary>
internal abstract class PacketScheduler
{
    /// <summary>Longest a packet thread waits for input before it looks at the clock and the stop flag.</summary>
    protected const int PollTimeoutMs = 50;

    /// <summary>Interval of the periodic work: encoder and transport ticks, kernel statistics.</summary>
    protected const long TickIntervalMs = 100;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private volatile bool _aborted;

    /// <summary>Times the run and logs its figures and final counters at DEBUG when it ends.</summary>
    private readonly RunMeter _meter = new();

    /// <summary>A loop guard handed over by a reload, waiting for the capture thread to apply it; null when none.</summary>
    private volatile LoopGuardChange? _pendingLoopGuard;

    /// <summary>Wakes threads that idle (a replay after its end) when a stop is requested.</summary>
    protected ManualResetEventSlim StopSignal { get; } = new(false);

    /// <summary>Creates the scheduler for one task.</summary>
    protected PacketScheduler(TaskGraph graph, ThreadAffinity affinity)
    {
        Graph = graph;
        Affinity = affinity;
    }

    /// <summary>The stages being run.</summary>
    protected TaskGraph Graph { get; }

    /// <summary>Which CPUs the packet threads are pinned to.</summary>
    protected ThreadAffinity Affinity { get; }

    /// <summary>Packet threads started so far: the next one's number in the task's pinning order.</summary>
    private int _threadsStarted;

    /// <summary>
    /// How many numbers of the pinning order a task takes (<see cref="ThreadAffinity.ForTask"/>):
    /// rtc one thread per task; pipeline capture, encapsulation and one sender per output.
    /// </summary>
    public static int PinnedThreads(ExecutionModel model, TaskConfig task) =>
        model == ExecutionModel.Pipeline ? 2 + task.Outputs.Count : 1;

    /// <summary>Completes when the source is open and packets flow; faults when opening failed.</summary>
    public Task Started => _started.Task;

    /// <summary>Completes when every thread of the task has ended and the outputs are closed; faults with the reason the task failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>The task's batch pool, once the source is open; for checks that every batch came back.</summary>
    internal abstract Packets.PacketBatchPool? BatchPool { get; }

    /// <summary>
    /// The task's pipeline buffer now: batch memory and the capture→encapsulation ring (zero under
    /// rtc, which has no pipeline buffer). Read on request from any thread; values may be a moment old.
    /// </summary>
    public abstract PipelineBufferUsage BufferUsage { get; }

    /// <summary>True once <see cref="RequestStop"/> was called.</summary>
    protected bool StopRequested => _stopRequested;

    /// <summary>True once <see cref="Abort"/> was called: stop draining, close at once.</summary>
    protected bool Aborted => _aborted;

    /// <summary>The scheduler for <paramref name="model"/>.</summary>
    public static PacketScheduler Create(ExecutionModel model, TaskGraph graph, ThreadAffinity affinity, long pipelineBufferBytes) =>
        model == ExecutionModel.Pipeline
            ? new PipelineScheduler(graph, affinity, pipelineBufferBytes)
            : new RtcScheduler(graph, affinity);

    /// <summary>Starts the task's threads.</summary>
    public abstract void Start();

    /// <summary>Asks the task to stop: capture ends, queues drain, outputs flush and close.</summary>
    public void RequestStop()
    {
        foreach (OutputStage o in Graph.Outputs)
        {
            o.Context.Stop.Begin(StopClock.CloseBudget);
        }

        _stopRequested = true;
        StopSignal.Set();
    }

    /// <summary>Stops draining: whatever is still queued is dropped and the outputs close now.</summary>
    public void Abort()
    {
        foreach (OutputStage o in Graph.Outputs)
        {
            o.Context.Stop.Expire();
        }

        _aborted = true;
        RequestStop();
    }

    /// <summary>
    /// Hands a new loop guard to the running capture (a reload changed the outputs). Each capture
    /// thread applies it to its own source between two fills with <see cref="PacketSource.SetFilter"/>,
    /// so the handles stay open and no packet is lost; the last request wins. Any thread.
    /// </summary>
    public void RequestLoopGuard(string? loopGuard) => _pendingLoopGuard = new LoopGuardChange(loopGuard);

    /// <summary>
    /// Capture thread <paramref name="thread"/>, between fills: applies a loop guard handed over by
    /// <see cref="RequestLoopGuard"/> that it has not applied yet (<paramref name="applied"/>, the
    /// thread's own). One volatile read when there is none.
    /// </summary>
    protected void ApplyPendingLoopGuard(ref LoopGuardChange? applied, int thread = 0)
    {
        LoopGuardChange? change = _pendingLoopGuard;
        if (change is null || ReferenceEquals(change, applied))
        {
            return;
        }

        applied = change;
        Graph.ApplyLoopGuard(change.Guard, thread);
    }

    /// <summary>
    /// Starts a background packet thread pinned to the task's next CPU of <c>cpu_affinity</c>: the
    /// threads of a scheduler start in a fixed order, so each gets the same CPU on every attempt.
    /// </summary>
    protected Thread StartThread(string role, Action body)
    {
        int cpu = Affinity.CpuAt(Interlocked.Increment(ref _threadsStarted) - 1);
        var thread = new Thread(() =>
        {
            string? error = ThreadAffinity.PinCurrentThread(cpu);
            if (error is not null)
            {
                SchedulingLog.PinFailed(Graph.Logger, Graph.Config.Name, role, cpu, error);
            }

            try
            {
                body();
            }
            catch (Exception ex)
            {
                // Last resort: an exception escaping a thread would end the process.
                SchedulingLog.ThreadFailed(Graph.Logger, ex, Graph.Config.Name, role);
                SignalCompleted(ex);
            }
        })
        {
            IsBackground = true,
            Name = $"cpw-{Graph.Config.Name}-{role}",
        };
        thread.Start();
        return thread;
    }

    /// <summary>Marks the task running.</summary>
    protected void SignalStarted()
    {
        _meter.Start(Graph.CaptureCounters);
        _started.TrySetResult();
    }

    /// <summary>Ends the task: faulted with <paramref name="error"/> when given.</summary>
    protected void SignalCompleted(Exception? error)
    {
        if (error is null)
        {
            _meter.Finish(Graph);
            _started.TrySetException(new InvalidOperationException("the task stopped before it started"));
            _completion.TrySetResult();
        }
        else
        {
            _started.TrySetException(error);
            _completion.TrySetException(error);
        }

        // Observe the exceptions so that an unawaited failure is not reported as unobserved.
        _ = _started.Task.Exception;
    }

    /// <summary>Runs the encoder ticks of every output.</summary>
    protected void TickOutputs()
    {
        foreach (OutputStage o in Graph.Outputs)
        {
            o.Tick();
        }
    }

    /// <summary>Flushes every encoder (task stop).</summary>
    protected void FlushOutputs()
    {
        foreach (OutputStage o in Graph.Outputs)
        {
            o.Flush();
        }
    }

    /// <summary>Runs the transport's periodic work; a failure is logged, never thrown.</summary>
    protected void TickTransport(OutputStage output)
    {
        try
        {
            output.Parts.Transport.OnTick();
        }
        catch (Exception ex)
        {
            SchedulingLog.TickFailed(Graph.Logger, ex, output.Context.DisplayName, ex.Message);
        }
    }

    /// <summary>Closes the transport (flush, rename); a failure is logged, never thrown.</summary>
    protected void CloseTransport(OutputStage output)
    {
        try
        {
            output.Parts.Transport.Close();
        }
        catch (Exception ex)
        {
            SchedulingLog.CloseFailed(Graph.Logger, ex, output.Context.DisplayName, ex.Message);
        }
    }

    /// <summary>
    /// A queued lane for an output. A replay waits for a free buffer so nothing is lost, except for
    /// an isolated (custom) output, which must never hold the others up: it drops, counted.
    /// </summary>
    protected QueuedSendLane CreateQueuedLane(OutputParts parts) =>
        new(parts.PipelineBuffers, parts.BufferBytes, parts.MaxMessages, Graph.IsLossless && !parts.Isolated, () => Aborted);

    /// <summary>
    /// A sender thread's loop: sends what the lane delivers, ticks the transport, and closes it
    /// once the encoder side has completed and the lane is drained. After an abort, what is still
    /// queued is counted as lost instead of sent.
    /// </summary>
    protected void RunSender(OutputStage output, QueuedSendLane lane)
    {
        OutputTransport transport = output.Parts.Transport;
        long nextTick = Environment.TickCount64 + TickIntervalMs;
        try
        {
            while (true)
            {
                SendBuffer? buffer = lane.TakeWork(PollTimeoutMs);
                if (buffer is not null)
                {
                    if (!Aborted)
                    {
                        try
                        {
                            transport.Deliver(buffer);
                        }
                        catch (Exception ex)
                        {
                            SchedulingLog.SendFailed(Graph.Logger, ex, output.Context.DisplayName, ex.Message);
                        }
                    }
                    else
                    {
                        output.Context.Counters.Sender.ErrorPackets += buffer.PacketCount;
                        output.Context.Counters.Sender.ErrorBytes += buffer.PacketBytes;
                    }

                    lane.Return(buffer);
                }
                else if (lane.IsDrained)
                {
                    break;
                }

                long now = Environment.TickCount64;
                if (now >= nextTick)
                {
                    nextTick = now + TickIntervalMs;
                    TickTransport(output);
                }
            }
        }
        finally
        {
            CloseTransport(output);
        }
    }
}
