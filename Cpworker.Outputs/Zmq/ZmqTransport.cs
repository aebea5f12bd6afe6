using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// Sends each batch as one message on a NetMQ <c>PUSH</c> socket. Never blocks: a batch the socket
/// cannot queue (high-water mark reached, receiver gone) is dropped and all its records are counted
/// as error drops, so memory stays bounded by <c>hwm</c> batches while the receiver is down.
/// </summary>
/// <remarks>
/// NetMQ sockets are not thread-safe: the socket is created on the first <see cref="Send"/> or
/// <see cref="OnTick"/> and used and closed on that same thread (the output's sender thread under
/// pipeline, the capture thread under rtc). Messages come from NetMQ's buffer pool
/// (<see cref="NetMqBufferPool"/>) and are copied from the send buffer, which is reused at once.
/// </remarks>
internal sealed class ZmqTransport : OutputTransport
{
    /// <summary>How long queued batches may still be delivered after <see cref="Close"/>.</summary>
    public static readonly TimeSpan DefaultLinger = TimeSpan.FromSeconds(5);

    private readonly string _endpoint;
    private readonly int _hwm;
    private readonly bool _ipv6;
    private readonly TimeSpan _linger;
    private readonly OutputCounters.SenderSide _counters;
    private readonly ILogger _logger;
    private readonly LogThrottle _errorLog;
    private readonly string _displayName;
    /// <summary>Longest wait at <see cref="Close"/> for a connection that is not up: shutdown must stay quick.</summary>
    private static readonly TimeSpan MaxConnectWaitAtClose = TimeSpan.FromSeconds(2);

    private PushSocket? _socket;
    private ZmqConnectionMonitor? _monitor;
    private bool _closed;
    private bool _sentAny;

    /// <summary>Creates the transport for <paramref name="endpoint"/> (<c>tcp://host:port</c>); nothing is opened yet.</summary>
    public ZmqTransport(string endpoint, int hwm, bool ipv6, OutputContext context, TimeSpan? linger = null)
    {
        _endpoint = endpoint;
        _hwm = hwm;
        _ipv6 = ipv6;
        _linger = linger ?? DefaultLinger;
        _counters = context.Counters.Sender;
        _logger = context.Logger;
        _errorLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _displayName = context.DisplayName;
    }

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
            var msg = default(Msg);
            msg.InitPool(length);
            try
            {
                buffer.Written.CopyTo(msg.Slice());
                sent = socket.TrySend(ref msg, TimeSpan.Zero, more: false);
                _sentAny |= sent;
                if (!sent)
                {
                    Report("the send queue is full (hwm reached or no receiver)", null);
                }
            }
            catch (Exception ex) when (ex is NetMQException or ObjectDisposedException or InvalidOperationException)
            {
                Report(ex.Message, ex);
            }
            finally
            {
                if (!sent)
                {
                    msg.Close();
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

    /// <inheritdoc/>
    public override void OnTick()
    {
        EnsureSocket(); // connect early, before the first batch
        _monitor?.Poll();
    }

    /// <inheritdoc/>
    public override void Close()
    {
        _closed = true;
        PushSocket? socket = _socket;
        _socket = null;
        if (socket is not null && _sentAny && !_monitor!.Poll())
        {
            // Queued batches are lost if the connection is not up when the socket closes.
            _monitor.WaitConnected(_linger < MaxConnectWaitAtClose ? _linger : MaxConnectWaitAtClose);
        }

        socket?.Dispose(); // NetMQ's I/O thread keeps delivering queued batches for the linger time
        _monitor?.Dispose();
        _monitor = null;
    }

    /// <inheritdoc/>
    public override void Dispose() => Close();

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
            socket.Options.SendHighWatermark = _hwm;
            socket.Options.Linger = _linger;
            if (_ipv6)
            {
                socket.Options.IPv4Only = false;
            }

            ZmqConnectionMonitor? monitor = null;
            try
            {
                monitor = new ZmqConnectionMonitor(socket);
                socket.Connect(_endpoint);
            }
            catch
            {
                monitor?.Dispose();
                socket.Dispose();
                throw;
            }

            _socket = socket;
            _monitor = monitor;
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
            _logger.LogWarning(
                ex,
                "{Output}: batch to {Endpoint} dropped: {Reason} ({Failed} batches dropped so far)",
                _displayName,
                _endpoint,
                reason,
                _counters.FailedSends + 1);
        }
    }
}
