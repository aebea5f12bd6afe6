using Cpworker.Engine.Outputs;
using Cpworker.Engine.Threading;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// pipeline: filled buffers travel through a bounded queue to the output's sender thread, which
/// returns them through a free list. With no free buffer the output is congested: a live task
/// drops (and counts) rather than stall the other outputs; a replay waits, so nothing is lost.
/// </summary>
internal sealed class QueuedSendLane : ISendLane, IDisposable
{
    /// <summary>Buffers ready to be filled.</summary>
    private readonly BoundedQueue<SendBuffer> _free;

    /// <summary>Buffers waiting for the sender.</summary>
    private readonly BoundedQueue<SendBuffer> _work;

    /// <summary>Wakes the sender thread when work arrives.</summary>
    private readonly ParkingSignal _workArrived = new();

    /// <summary>Wakes a waiting encoder when a buffer comes back.</summary>
    private readonly ParkingSignal _bufferFreed = new();

    private readonly bool _waitWhenCongested;
    private readonly Func<bool> _aborted;
    private volatile bool _completed;

    /// <summary>Creates <paramref name="bufferCount"/> buffers of the output's shape.</summary>
    /// <param name="bufferCount">Buffers in flight at most.</param>
    /// <param name="bufferBytes">Bytes per buffer.</param>
    /// <param name="maxMessages">Datagrams per buffer.</param>
    /// <param name="waitWhenCongested">True for replays: <see cref="TryRent"/> waits for a free buffer.</param>
    /// <param name="aborted">Ends such a wait when the task is torn down.</param>
    public QueuedSendLane(int bufferCount, int bufferBytes, int maxMessages, bool waitWhenCongested, Func<bool> aborted)
    {
        _free = new BoundedQueue<SendBuffer>(bufferCount);
        _work = new BoundedQueue<SendBuffer>(bufferCount);
        for (int i = 0; i < bufferCount; i++)
        {
            _free.TryEnqueue(new SendBuffer(bufferBytes, maxMessages));
        }

        BufferCount = bufferCount;
        _waitWhenCongested = waitWhenCongested;
        _aborted = aborted;
    }

    /// <summary>Buffers the lane owns.</summary>
    public int BufferCount { get; }

    /// <summary>Buffers not in flight.</summary>
    public int FreeBuffers => _free.Count;

    /// <summary>True once the encoder side has finished and the queue is drained.</summary>
    public bool IsDrained => _completed && _work.Count == 0;

    /// <inheritdoc/>
    public SendBuffer? TryRent()
    {
        if (_free.TryDequeue(out SendBuffer? b))
        {
            return b;
        }

        if (!_waitWhenCongested)
        {
            return null;
        }

        var spinner = new SpinWait();
        while (!_aborted())
        {
            if (!spinner.NextSpinWillYield)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
            else
            {
                _bufferFreed.PrepareToPark();
                if (_free.TryDequeue(out b))
                {
                    _bufferFreed.CancelPark();
                    return b;
                }

                _bufferFreed.Park(20);
            }

            if (_free.TryDequeue(out b))
            {
                return b;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public void Submit(SendBuffer buffer)
    {
        _work.TryEnqueue(buffer); // cannot be full: the queue holds every buffer the lane owns
        _workArrived.Wake();
    }

    /// <inheritdoc/>
    public void Return(SendBuffer buffer)
    {
        buffer.Reset();
        _free.TryEnqueue(buffer);
        _bufferFreed.Wake();
    }

    /// <summary>Marks the encoder side finished: no more submissions.</summary>
    public void Complete()
    {
        _completed = true;
        _workArrived.Wake();
    }

    /// <summary>Sender side: the next buffer to send, waiting up to <paramref name="timeoutMs"/>; null when none came.</summary>
    public SendBuffer? TakeWork(int timeoutMs)
    {
        if (_work.TryDequeue(out SendBuffer? b))
        {
            return b;
        }

        _workArrived.PrepareToPark();
        if (_work.TryDequeue(out b) || _completed)
        {
            _workArrived.CancelPark();
            return b;
        }

        _workArrived.Park(timeoutMs);
        return _work.TryDequeue(out b) ? b : null;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _workArrived.Dispose();
        _bufferFreed.Dispose();
    }
}
