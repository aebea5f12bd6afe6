using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// Run to completion: the task's capture thread takes a batch from the source and runs it through
/// classification and every output, transports included, before reading the next.
/// </summary>
/// <remarks>
/// With several capture threads (<c>threads</c>, one fanout member each) every thread runs the
/// whole path for its own batches; the outputs are shared. Each output stage has a lock that a
/// thread holds while that stage encodes and sends one batch, and while it ticks: an encoder, its
/// counters and its transport are thus only ever used by one thread at a time, and a file output
/// still writes one file, its records interleaved batch by batch. A flow is read by one thread
/// only, which hands its batches to the outputs in order, so every flow keeps its order.
/// </remarks>
internal sealed partial class RtcScheduler : PacketScheduler
{
    /// <summary>Creates the scheduler.</summary>
    public RtcScheduler(TaskGraph graph, ThreadAffinity affinity) : base(graph, affinity)
    {
    }

    /// <inheritdoc/>
    internal override PacketBatchPool? BatchPool => Pool;

    private PacketBatchPool? Pool { get; set; }

    /// <inheritdoc/>
    public override PipelineBufferUsage BufferUsage => default;

    /// <summary>How long a stop waits for an isolated output to drain before dropping its queue.</summary>
    private static readonly TimeSpan IsolatedDrainTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Lanes and sender threads of the isolated outputs (the others are sent inline).</summary>
    private readonly List<(QueuedSendLane Lane, Thread Thread)> _isolated = new();

    /// <summary>The first error of any capture thread; it ends the task.</summary>
    private Exception? _error;

    /// <inheritdoc/>
    public override void Start() => StartThread("rtc", Run);

    private void Run()
    {
        bool opened = false;
        PacketBatch? batch = null;
        var others = new List<Thread>();
        try
        {
            Graph.Open();
            opened = true;
            Pool = new PacketBatchPool(Graph.CaptureThreads, Graph.BatchBytes, TaskGraph.MaxPacketsPerBatch);
            _gates = Graph.CaptureThreads > 1 ? CreateGates(Graph.Outputs.Length) : null;
            for (int i = 0; i < Graph.Outputs.Length; i++)
            {
                OutputStage o = Graph.Outputs[i];
                if (o.Parts.Isolated)
                {
                    // An output that could be slow gets its own sender thread here too.
                    QueuedSendLane lane = CreateQueuedLane(o.Parts);
                    o.Parts.Encoder.Attach(lane);
                    _isolated.Add((lane, StartThread($"send{i}", () => RunSender(o, lane))));
                }
                else
                {
                    o.Parts.Encoder.Attach(new InlineSendLane(o.Parts.Transport, o.Parts.BufferBytes, o.Parts.MaxMessages));
                }
            }

            batch = Pool.TryRent()!;
            for (int t = 1; t < Graph.CaptureThreads; t++)
            {
                int thread = t;
                PacketBatch own = Pool.TryRent()!;
                others.Add(StartThread($"rtc{thread}", () => RunOther(thread, own)));
            }

            SignalStarted();
            Loop(batch, 0);
        }
        catch (Exception ex)
        {
            Fail(ex);
        }
        finally
        {
            JoinOthers(others);
            if (opened)
            {
                FlushOutputs();
                foreach (OutputStage o in Graph.Outputs)
                {
                    if (!o.Parts.Isolated)
                    {
                        CloseTransport(o);
                    }
                }

                StopIsolatedSenders();
            }

            if (batch is not null)
            {
                Pool!.Return(batch);
            }

            Pool?.Dispose(); // its parking word is native memory; a task that keeps failing must not leak it
            SignalCompleted(_error);
        }
    }

    /// <summary>
    /// Lets the isolated outputs' senders drain, all against one deadline; then drops what is
    /// left. A sender still stuck in an application's output after that keeps its lane: freeing
    /// the lane under a running thread would be worse than the small leak.
    /// </summary>
    private void StopIsolatedSenders()
    {
        foreach ((QueuedSendLane lane, _) in _isolated)
        {
            lane.Complete();
        }

        long deadline = Environment.TickCount64 + (long)IsolatedDrainTimeout.TotalMilliseconds;
        bool aborted = false;
        foreach ((QueuedSendLane lane, Thread thread) in _isolated)
        {
            if (!thread.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))) && !aborted)
            {
                aborted = true;
                Abort();
                deadline = Environment.TickCount64 + (long)IsolatedDrainTimeout.TotalMilliseconds;
            }
        }

        foreach ((QueuedSendLane lane, Thread thread) in _isolated)
        {
            if (thread.Join(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64))))
            {
                lane.Dispose();
            }
            else
            {
                SchedulingLog.CustomOutputStillBusy(Graph.Logger, Graph.Config.Name);
            }
        }
    }

    /// <summary>Capture thread <paramref name="thread"/> (the first one runs <see cref="Loop"/> from <see cref="Run"/>).</summary>
    private void Loop(PacketBatch batch, int thread)
    {
        PacketSource source = Graph.Sources[thread];
        OutputStage[] outputs = Graph.Outputs;
        Lock[]? gates = _gates;
        LoopGuardChange? loopGuard = null;
        long nextTick = Environment.TickCount64 + TickIntervalMs;
        bool endOfInput = false;
        while (!StopRequested)
        {
            if (!endOfInput)
            {
                ApplyPendingLoopGuard(ref loopGuard, thread);
                SourceStatus status = source.Fill(batch, PollTimeoutMs);
                if (batch.Count > 0)
                {
                    Graph.CountCaptured(batch, thread);
                    Graph.Classify?.Process(batch);
                    for (int i = 0; i < outputs.Length; i++)
                    {
                        if (gates is null)
                        {
                            outputs[i].Process(batch);
                        }
                        else
                        {
                            lock (gates[i])
                            {
                                outputs[i].Process(batch);
                            }
                        }
                    }

                    batch.Reset();
                }

                if (status == SourceStatus.EndOfInput)
                {
                    endOfInput = true;
                    Graph.OnEndOfInput();
                }
            }
            else
            {
                StopSignal.Wait(PollTimeoutMs);
            }

            long now = Environment.TickCount64;
            if (now >= nextTick)
            {
                nextTick = now + TickIntervalMs;
                if (thread == 0)
                {
                    TickShared(outputs, gates);
                }

                Graph.PollKernelStats(thread);
            }
        }

        Graph.PollKernelStats(thread);
        SchedulingLog.CaptureStopped(Graph.Logger, Graph.Config.Name);
    }
}
