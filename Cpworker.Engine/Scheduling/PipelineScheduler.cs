using System.Diagnostics.CodeAnalysis;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Engine.Threading;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// Pipeline: the capture thread fills pooled batches and queues them to the encapsulation thread,
/// which classifies and encodes for every output; each output's transport runs on its own sender
/// thread. At most <c>pipeline.buffer_size_mb</c> of packet data is in flight per task; when the
/// pool is empty the capture thread waits and the kernel's capture buffer absorbs the burst.
/// </summary>
/// <remarks>
/// With several capture threads (<c>threads</c>, one fanout member each) they share the pool and
/// the queue (a multi-producer ring); the one encapsulation thread takes batches in queue order.
/// A flow is read by one capture thread only, which queues its batches in order, so every flow
/// keeps its order; outputs see one stream and work exactly as with one capture thread.
/// </remarks>
[SuppressMessage("Reliability", "CA1001", Justification = "_batchArrived lives as long as the run: the last thread to leave disposes it with the pool (see the end of the run), not a caller.")]
internal sealed class PipelineScheduler : PacketScheduler
{
    /// <summary>
    /// Most packet data a replay keeps in flight. A replay has no kernel buffer to protect: the
    /// file is its buffer, and the capture thread may simply wait. A deeper pipeline would only
    /// touch more memory (page faults, cache misses, resident size) for the same throughput.
    /// </summary>
    internal const long ReplayInFlightBytes = 4 << 20;

    /// <summary>Batches queued in a burst before the encapsulation thread is woken.</summary>
    private const int BurstWakeDepth = 8;

    /// <summary>Room a source keeps for one more frame beyond its length (a replay's record header).</summary>
    private const int MaxRecordOverhead = 16;

    private readonly long _bufferBytes;

    /// <summary>Queue depth at which a burst wakes the encapsulation thread: <see cref="BurstWakeDepth"/>, less for a tiny pool.</summary>
    private int _wakeDepth = 1;

    /// <summary>Filled batches on their way to the encapsulation thread.</summary>
    private BoundedQueue<PacketBatch>? _toEncap;

    /// <summary>Wakes the encapsulation thread.</summary>
    private readonly ParkingSignal _batchArrived = new();

    /// <summary>Set by the capture thread when it will queue nothing more.</summary>
    private volatile bool _captureDone;

    private Exception? _captureError;
    private int _threadsRunning;

    /// <summary>Capture threads still running; the last one out sets <see cref="_captureDone"/>.</summary>
    private int _capturesRunning;
    private QueuedSendLane[] _lanes = [];

    /// <summary>Creates the scheduler; <paramref name="bufferBytes"/> is the task's in-flight budget.</summary>
    public PipelineScheduler(TaskGraph graph, ThreadAffinity affinity, long bufferBytes) : base(graph, affinity)
    {
        _bufferBytes = bufferBytes;
    }

    /// <inheritdoc/>
    internal override PacketBatchPool? BatchPool => Pool;

    private PacketBatchPool? Pool { get; set; }

    /// <inheritdoc/>
    public override PipelineBufferUsage BufferUsage
    {
        get
        {
            PacketBatchPool? pool = Pool;
            BoundedQueue<PacketBatch>? ring = _toEncap;
            if (pool is null || ring is null)
            {
                return default;
            }

            long inUse = Math.Max(0, pool.Capacity - pool.Available);
            return new PipelineBufferUsage((long)pool.Capacity * pool.BatchBytes, inUse * pool.BatchBytes, ring.Capacity, Math.Max(0, ring.Count));
        }
    }

    /// <summary>The output lanes; for tests.</summary>
    internal IReadOnlyList<QueuedSendLane> Lanes => _lanes;

    /// <inheritdoc/>
    public override void Start() => StartThread("capture", Capture);

    private void Capture()
    {
        PacketBatch? batch = null;
        _threadsRunning = 1; // this thread; the others count once started
        _capturesRunning = 1;
        try
        {
            Graph.Open();
            long inFlight = Graph.IsLossless ? Math.Min(_bufferBytes, ReplayInFlightBytes) : _bufferBytes;
            int batches = (int)Math.Clamp(inFlight / Graph.BatchBytes, 2, 1 << 20);
            Pool = new PacketBatchPool(batches, Graph.BatchBytes, TaskGraph.MaxPacketsPerBatch);
            _toEncap = new BoundedQueue<PacketBatch>(batches);
            _wakeDepth = Math.Clamp(batches / 2, 1, BurstWakeDepth);
            _lanes = new QueuedSendLane[Graph.Outputs.Length];
            for (int i = 0; i < _lanes.Length; i++)
            {
                OutputParts p = Graph.Outputs[i].Parts;
                _lanes[i] = CreateQueuedLane(p);
                p.Encoder.Attach(_lanes[i]);
            }

            StartCounted("encap", Encapsulate);
            for (int i = 0; i < _lanes.Length; i++)
            {
                int index = i;
                StartCounted($"send{i}", () => RunSender(Graph.Outputs[index], _lanes[index]));
            }

            for (int t = 1; t < Graph.CaptureThreads; t++)
            {
                int thread = t;
                Interlocked.Increment(ref _capturesRunning);
                try
                {
                    StartCounted($"capture{thread}", () => CaptureMore(thread));
                }
                catch
                {
                    Interlocked.Decrement(ref _capturesRunning);
                    throw;
                }
            }

            SignalStarted();
            Loop(0, ref batch);
        }
        catch (Exception ex)
        {
            CaptureFailed(ex);
        }
        finally
        {
            CaptureEnded(batch);
            ThreadEnded();
        }
    }

    /// <summary>A capture thread after the first (counted by <see cref="StartCounted"/>).</summary>
    private void CaptureMore(int thread)
    {
        PacketBatch? batch = null;
        try
        {
            Loop(thread, ref batch);
        }
        catch (Exception ex)
        {
            CaptureFailed(ex);
        }
        finally
        {
            CaptureEnded(batch);
        }
    }

    /// <summary>Records the first capture failure; with several capture threads, stops the others too.</summary>
    private void CaptureFailed(Exception ex)
    {
        Interlocked.CompareExchange(ref _captureError, ex, null);
        if (Graph.CaptureThreads > 1)
        {
            RequestStop();
        }
    }

    /// <summary>A capture thread ends: returns its batch; the last one tells the encapsulation thread that nothing more comes.</summary>
    private void CaptureEnded(PacketBatch? batch)
    {
        if (batch is not null)
        {
            Pool!.Return(batch);
        }

        if (Interlocked.Decrement(ref _capturesRunning) == 0)
        {
            _captureDone = true;
            _batchArrived.Wake();
        }
    }

    /// <summary>
    /// Starts a thread that counts towards <see cref="_threadsRunning"/> only once it exists, so a
    /// start that fails part-way (thread limit, memory) still lets the task end and be retried.
    /// </summary>
    private void StartCounted(string role, Action body)
    {
        Interlocked.Increment(ref _threadsRunning);
        try
        {
            StartThread(role, () =>
            {
                try
                {
                    body();
                }
                finally
                {
                    ThreadEnded();
                }
            });
        }
        catch
        {
            Interlocked.Decrement(ref _threadsRunning);
            throw;
        }
    }

    /// <summary>
    /// Capture loop of capture thread <paramref name="thread"/>. <paramref name="batch"/> is the batch
    /// it holds, the caller's to return when the loop ends or throws.
    /// </summary>
    private void Loop(int thread, ref PacketBatch? batch)
    {
        PacketSource source = Graph.Sources[thread];
        LoopGuardChange? loopGuard = null;
        long nextTick = Environment.TickCount64 + TickIntervalMs;
        bool endOfInput = false;
        while (!StopRequested)
        {
            if (endOfInput)
            {
                StopSignal.Wait(PollTimeoutMs);
            }
            else
            {
                batch ??= RentBatch();
                if (batch is not null)
                {
                    ApplyPendingLoopGuard(ref loopGuard, thread);
                    SourceStatus status = source.Fill(batch, PollTimeoutMs);
                    bool more = status == SourceStatus.Active && IsFull(batch, source);
                    if (batch.Count > 0)
                    {
                        Graph.CountCaptured(batch, thread);
                        _toEncap!.TryEnqueue(batch); // holds every batch of the pool: never full
                        batch = null;
                    }

                    // In a burst (the source filled the batch: more is waiting) the encapsulation
                    // thread is woken once per few batches; otherwise at once, so latency stays low.
                    if (!more || _toEncap!.Count >= _wakeDepth)
                    {
                        _batchArrived.Wake();
                    }

                    if (status == SourceStatus.EndOfInput)
                    {
                        endOfInput = true;
                        Graph.OnEndOfInput();
                    }
                }
            }

            long now = Environment.TickCount64;
            if (now >= nextTick)
            {
                nextTick = now + TickIntervalMs;
                Graph.PollKernelStats(thread);
            }
        }

        Graph.PollKernelStats(thread);
    }

    /// <summary>A free batch; when there is none, the encapsulation thread is woken to drain the queue before the capture waits.</summary>
    private PacketBatch? RentBatch()
    {
        PacketBatch? batch = Pool!.TryRent();
        if (batch is null)
        {
            _batchArrived.Wake();
            batch = Pool.Rent(PollTimeoutMs);
        }

        return batch;
    }

    /// <summary>True when the source stopped filling <paramref name="batch"/> for lack of room, not of packets.</summary>
    private static bool IsFull(PacketBatch batch, PacketSource source) =>
        batch.IsFull || batch.DataCapacity - batch.BytesUsed < source.MaxFrameLength + MaxRecordOverhead;

    private void Encapsulate()
    {
        long nextTick = Environment.TickCount64 + TickIntervalMs;
        PacketBatch? batch = null;
        try
        {
            while (true)
            {
                batch = TakeBatch();
                if (batch is not null)
                {
                    if (!Aborted)
                    {
                        Graph.Classify?.Process(batch);
                        foreach (OutputStage o in Graph.Outputs)
                        {
                            o.Process(batch);
                        }
                    }

                    Pool!.Return(batch);
                    batch = null;
                }
                else if (_captureDone && _toEncap!.Count == 0)
                {
                    break;
                }

                long now = Environment.TickCount64;
                if (now >= nextTick)
                {
                    nextTick = now + TickIntervalMs;
                    TickOutputs();
                }
            }
        }
        catch (Exception ex)
        {
            // Nothing more reaches the outputs: end the task (the runner retries it) instead of
            // letting it look healthy while the capture fills a pool nobody empties.
            SchedulingLog.EncapsulationFailed(Graph.Logger, ex, Graph.Config.Name);
            Interlocked.CompareExchange(ref _captureError, ex, null);
            if (batch is not null)
            {
                Pool!.Return(batch);
            }

            RequestStop();
        }
        finally
        {
            FlushOutputs();
            foreach (QueuedSendLane lane in _lanes)
            {
                lane.Complete();
            }
        }
    }

    private PacketBatch? TakeBatch()
    {
        if (_toEncap!.TryDequeue(out PacketBatch? batch))
        {
            return batch;
        }

        _batchArrived.PrepareToPark();
        if (_toEncap.TryDequeue(out batch) || _captureDone)
        {
            _batchArrived.CancelPark();
            return batch;
        }

        _batchArrived.Park(PollTimeoutMs);
        return _toEncap.TryDequeue(out batch) ? batch : null;
    }

    private void ThreadEnded()
    {
        if (Interlocked.Decrement(ref _threadsRunning) != 0)
        {
            return;
        }

        // Every thread of the task has ended: give back what is still queued, free the signals.
        if (_toEncap is not null)
        {
            while (_toEncap.TryDequeue(out PacketBatch? left))
            {
                Pool!.Return(left);
            }
        }

        foreach (QueuedSendLane? lane in _lanes)
        {
            lane?.Complete();
            lane?.Dispose();
        }

        _batchArrived.Dispose();
        Pool?.Dispose();
        SignalCompleted(_captureError);
    }
}
