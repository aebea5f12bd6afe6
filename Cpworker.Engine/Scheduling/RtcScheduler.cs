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
internal sealed class RtcScheduler : PacketScheduler
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

    /// <inheritdoc/>
    public override void Start() => StartThread("rtc", Run);

    private void Run()
    {
        Exception? error = null;
        bool opened = false;
        PacketBatch? batch = null;
        try
        {
            Graph.Open();
            opened = true;
            Pool = new PacketBatchPool(1, Graph.BatchBytes, TaskGraph.MaxPacketsPerBatch);
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
            SignalStarted();
            Loop(batch);
        }
        catch (Exception ex)
        {
            error = ex;
        }
        finally
        {
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
            SignalCompleted(error);
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

    private void Loop(PacketBatch batch)
    {
        PacketSource source = Graph.Source;
        long nextTick = Environment.TickCount64 + TickIntervalMs;
        bool endOfInput = false;
        while (!StopRequested)
        {
            if (!endOfInput)
            {
                ApplyPendingLoopGuard();
                SourceStatus status = source.Fill(batch, PollTimeoutMs);
                if (batch.Count > 0)
                {
                    Graph.CountCaptured(batch);
                    Graph.Classify?.Process(batch);
                    foreach (OutputStage o in Graph.Outputs)
                    {
                        o.Process(batch);
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
                TickOutputs();
                foreach (OutputStage o in Graph.Outputs)
                {
                    if (!o.Parts.Isolated)
                    {
                        TickTransport(o); // an isolated transport belongs to its sender thread
                    }
                }

                Graph.PollKernelStats();
            }
        }

        Graph.PollKernelStats();
        SchedulingLog.CaptureStopped(Graph.Logger, Graph.Config.Name);
    }
}
