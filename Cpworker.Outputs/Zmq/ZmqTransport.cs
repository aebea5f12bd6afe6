using System.Diagnostics;
using System.Net;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs.Common;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// Sends each batch as one message on a NetMQ <c>PUSH</c> socket. A live task never blocks: a batch
/// the socket cannot queue (high-water mark reached, receiver gone) is dropped and all its records
/// are counted as error drops, so memory stays bounded by <c>hwm</c> batches while the receiver is
/// down. A replay waits up to <see cref="ReplaySendTimeout"/> for room first.
/// </summary>
/// <remarks>
/// NetMQ sockets are not thread-safe: the socket is created on the first <see cref="Send"/> or
/// <see cref="OnTick"/> and used and closed on that same thread (the output's sender thread under
/// pipeline, the capture thread under rtc). A batch is not copied: the send buffer's array becomes
/// the NetMQ message and the send buffer gets a free array of <see cref="ZmqBatchBuffers"/> in
/// exchange; NetMQ gives the array back through <see cref="NetMqBufferPool"/> once it has written
/// it out. With no free array the output is congested, exactly as when the queue is full.
/// </remarks>
internal sealed class ZmqTransport : OutputTransport
{
    /// <summary>How long queued batches may still be delivered after <see cref="Close"/>.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a replay waits for room in the send queue before it drops the batch: a replay runs
    /// faster than any receiver and must not lose what a slower one would take; a receiver that
    /// takes nothing for this long is treated as gone.
    /// </summary>
    public static readonly TimeSpan ReplaySendTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Batches a replay queues at most. A replay waits rather than drops, so a deep queue buys
    /// nothing; a shallow one keeps its memory small and within NetMQ's buffer pool, so that no
    /// batch needs a new 1 MiB array (with 100 queued, 200 B were allocated per packet).
    /// </summary>
    public const int ReplayQueueMessages = 8;

    /// <summary>Batch arrays at most for <c>hwm</c> 0 (an unbounded queue): 1 GiB of batches.</summary>
    public const int UnboundedQueueArrays = 1024;

    /// <summary>Longest wait at <see cref="Close"/> for the last batch to leave: shutdown must stay quick.</summary>
    private static readonly TimeSpan MaxWaitAtClose = TimeSpan.FromSeconds(2);

    private readonly string _endpoint;

    /// <summary>The receiver's address, to find the connection's send queue at close; null = do not check.</summary>
    private readonly IPEndPoint? _destination;
    private readonly int _hwm;

    /// <summary>The socket's high-water mark: <c>hwm</c> live, at most <see cref="ReplayQueueMessages"/> for a replay.</summary>
    private readonly int _queueMessages;

    /// <summary>How long a send waits for room in the queue: zero (drop at once) live, <see cref="ReplaySendTimeout"/> for a replay.</summary>
    private readonly TimeSpan _sendTimeout;

    /// <summary>True after a replay's wait for the receiver ran out, until a send succeeds again.</summary>
    private bool _receiverStalled;
    private readonly bool _ipv6;
    private readonly TimeSpan _linger;

    /// <summary>Cuts the waits for the receiver to what the task's stop leaves.</summary>
    private readonly StopClock _stop;
    private readonly OutputCounters.SenderSide _counters;
    private readonly ILogger _logger;
    private readonly LogThrottle _errorLog;
    private readonly string _displayName;

    /// <summary>The arrays batches travel in while NetMQ holds them.</summary>
    private readonly ZmqBatchBuffers _buffers;

    /// <summary>False once NetMQ's buffer pool turned out not to be ours: batches are copied from then on.</summary>
    private bool _zeroCopy = true;

    /// <summary>True once a batch went to NetMQ: <see cref="Close"/> then waits for it to be written out.</summary>
    private bool _sentAny;

    private PushSocket? _socket;
    private bool _closed;

    /// <summary>Creates the transport for <paramref name="endpoint"/> (<c>tcp://host:port</c>); nothing is opened yet.</summary>
    /// <param name="endpoint">Where to connect.</param>
    /// <param name="hwm">The configured high-water mark.</param>
    /// <param name="ipv6">True for an IPv6 endpoint.</param>
    /// <param name="context">The output's context.</param>
    /// <param name="linger">How long queued batches may still leave after <see cref="Close"/>.</param>
    /// <param name="destination">The receiver, to check its connection's send queue at close.</param>
    /// <param name="batchBytes">Capacity of the send buffers whose arrays are handed over; others are copied.</param>
    public ZmqTransport(
        string endpoint, int hwm, bool ipv6, OutputContext context, TimeSpan? linger = null, IPEndPoint? destination = null, int batchBytes = ZmqFormat.MaxMessageBytes)
    {
        _endpoint = endpoint;
        _destination = destination;
        _hwm = hwm;
        _sendTimeout = context.IsReplay ? ReplaySendTimeout : TimeSpan.Zero;
        _queueMessages = !context.IsReplay ? hwm : hwm == 0 ? ReplayQueueMessages : Math.Min(hwm, ReplayQueueMessages);
        _ipv6 = ipv6;
        _linger = linger ?? DefaultLinger;
        _stop = context.Stop;
        _counters = context.Counters.Sender;
        _logger = context.Logger;
        _errorLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _displayName = context.DisplayName;

        // What NetMQ can hold: the queue, the message its engine is writing, and one just read from the queue.
        _buffers = new ZmqBatchBuffers(batchBytes, _queueMessages == 0 ? UnboundedQueueArrays : _queueMessages + 2);
    }

    /// <summary>The arrays of this output's batches (tests look at them).</summary>
    internal ZmqBatchBuffers Buffers => _buffers;

    /// <summary>Where the batches go.</summary>
    public string Endpoint => _endpoint;

    /// <inheritdoc/>
    public override void Send(SendBuffer buffer)
    {
        int length = buffer.Length;
        if (length == 0)
        {
            return;
        }

        PushSocket? socket = EnsureSocket();
        bool sent = false;
        if (socket is not null)
        {
            // A replay waits for a slow receiver, but not for a dead one: after one wait ran
            // out, batches go without waiting until the receiver takes one again.
            TimeSpan wait = _receiverStalled ? TimeSpan.Zero : _stop.Limit(_sendTimeout);
            long started = Stopwatch.GetTimestamp();
            var msg = default(Msg);
            try
            {
                if (!TryMakeMessage(ref msg, buffer, wait))
                {
                    Report("no batch buffer is free (hwm reached or no receiver)", null);
                }
                else
                {
                    TimeSpan left = wait - Stopwatch.GetElapsedTime(started);
                    sent = socket.TrySend(ref msg, left > TimeSpan.Zero ? left : TimeSpan.Zero, more: false);
                    if (sent)
                    {
                        _sentAny = true;
                    }
                    else
                    {
                        Report("the send queue is full (hwm reached or no receiver)", null);
                    }
                }

                _receiverStalled = !sent && _sendTimeout > TimeSpan.Zero;
            }
            catch (Exception ex) when (ex is NetMQException or ObjectDisposedException or InvalidOperationException)
            {
                Report(ex.Message, ex);
            }
            finally
            {
                if (!sent && msg.IsInitialised)
                {
                    msg.Close(); // a handed-over array goes back to _buffers
                }
            }
        }

        if (!sent)
        {
            _counters.FailedSends++;
            _counters.ErrorPackets += buffer.PacketCount;
            _counters.ErrorBytes += buffer.PacketBytes;
        }
    }

    /// <summary>
    /// Makes the batch's message: the send buffer's own array when it can be handed over (the send
    /// buffer takes a free one instead), else a copy. False when no array is free within
    /// <paramref name="wait"/>: the output is congested.
    /// </summary>
    private bool TryMakeMessage(ref Msg msg, SendBuffer buffer, TimeSpan wait)
    {
        NetMqBufferPool? pool = NetMqBufferPool.Instance;
        if (_zeroCopy && pool is not null && buffer.Capacity == _buffers.ArrayBytes)
        {
            byte[]? spare = _buffers.TryTake(wait);
            if (spare is null && NetMqBufferPool.IsInstalled())
            {
                return false;
            }

            if (spare is not null)
            {
                int length = buffer.Length;
                byte[] batch = buffer.ExchangeStorage(spare);
                if (pool.TryWrap(ref msg, batch, length, _buffers))
                {
                    return true;
                }

                // Another buffer pool replaced ours: NetMQ made the message from it. Copy from now on.
                _zeroCopy = false;
                batch.AsSpan(0, length).CopyTo(msg.Slice());
                _buffers.PutBack(batch);
                return true;
            }

            _zeroCopy = false; // another pool took over: the arrays NetMQ holds will not come back
        }

        msg.InitPool(buffer.Length);
        buffer.Written.CopyTo(msg.Slice());
        return true;
    }

    /// <inheritdoc/>
    public override void OnTick() => EnsureSocket(); // connect early, before the first batch

    /// <inheritdoc/>
    public override void Close()
    {
        _closed = true;
        PushSocket? socket = _socket;
        _socket = null;
        if (socket is not null && _sentAny && !WaitWrittenOut())
        {
            Report("the last batch may not have reached the receiver before closing", null);
        }

        socket?.Dispose();
    }

    /// <summary>
    /// Waits, within the linger time (at most <see cref="MaxWaitAtClose"/>), until NetMQ has written
    /// the last batch to its connection and the receiver's kernel has acknowledged every byte.
    /// NetMQ itself cannot be trusted with this: it ends the connection as soon as its pipe is
    /// empty, even in the middle of a large message, and ends it with a reset that discards what
    /// the kernel still holds.
    /// </summary>
    private bool WaitWrittenOut()
    {
        TimeSpan budget = _stop.Limit(_linger < MaxWaitAtClose ? _linger : MaxWaitAtClose);
        long deadline = Environment.TickCount64 + (long)budget.TotalMilliseconds;
        if (_zeroCopy && !_buffers.WaitAllReturned(budget))
        {
            return false;
        }

        while (true)
        {
            long pending = _destination is null ? 0 : TcpSendQueue.PendingBytes(_destination);
            if (pending <= 0)
            {
                return true;
            }

            if (Environment.TickCount64 >= deadline)
            {
                return false;
            }

            Thread.Sleep(5); // shutdown only: a few polls while the receiver acknowledges
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Close();
        _buffers.Dispose();
        base.Dispose();
    }

    private PushSocket? EnsureSocket()
    {
        if (_socket is not null || _closed)
        {
            return _socket;
        }

        try
        {
            NetMqBufferPool.EnsureConfigured();
            var socket = new PushSocket();
            socket.Options.SendHighWatermark = _queueMessages;
            socket.Options.Linger = _linger;
            if (_ipv6)
            {
                socket.Options.IPv4Only = false;
            }

            try
            {
                socket.Connect(_endpoint);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            _socket = socket;
        }
        catch (Exception ex) when (ex is NetMQException or ArgumentException or System.Net.Sockets.SocketException)
        {
            Report($"cannot connect to {_endpoint}: {ex.Message}", ex);
        }

        return _socket;
    }

    private void Report(string reason, Exception? ex)
    {
        if (_errorLog.ShouldLog())
        {
            TransportLog.BatchDropped(
                _logger,
                ex,
                _displayName,
                _endpoint,
                reason,
                _counters.FailedSends + 1);
        }
    }
}
