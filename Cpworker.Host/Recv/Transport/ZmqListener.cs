using System.Globalization;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Senders;
using Microsoft.Extensions.Logging;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Host.Recv.Transport;

/// <summary>
/// A ZeroMQ PULL socket that binds (cpworker's PUSH output connects to it) or connects. One
/// message is one batch; its records are decoded in place in NetMQ's pooled buffer.
/// </summary>
internal sealed class ZmqListener : RecvListener
{
    /// <summary>Messages the socket queues before the sender's PUSH blocks or drops.</summary>
    public const int ReceiveHighWatermark = 1000;

    private static int s_poolConfigured;
    private readonly string _endpoint;
    private readonly bool _connect;
    private PullSocket? _socket;

    /// <summary>Listens on (or connects to, <paramref name="connect"/>) <paramref name="endpoint"/>, <c>tcp://ADDR:PORT</c>.</summary>
    public ZmqListener(string endpoint, bool connect, ILogger logger)
        : base("zmq", logger)
    {
        _endpoint = endpoint;
        _connect = connect;
    }

    /// <inheritdoc/>
    public override void Open()
    {
        if (Interlocked.Exchange(ref s_poolConfigured, 1) == 0)
        {
            // NetMQ's default pool allocates an array per message (docs/recv.md#zeromq).
            BufferPool.SetBufferManagerBufferPool(256L << 20, 2 << 20);
        }

        var socket = new PullSocket();
        socket.Options.ReceiveHighWatermark = ReceiveHighWatermark;
        socket.Options.Linger = TimeSpan.Zero;
        string endpoint = _endpoint;
        try
        {
            if (_connect)
            {
                socket.Connect(_endpoint);
            }
            else if (_endpoint.EndsWith(":0", StringComparison.Ordinal) || _endpoint.EndsWith(":*", StringComparison.Ordinal))
            {
                string host = _endpoint[..^2];
                int port = socket.BindRandomPort(host);
                endpoint = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
            }
            else
            {
                socket.Bind(_endpoint);
            }
        }
        catch (Exception ex) when (ex is NetMQException or ArgumentException)
        {
            socket.Dispose();
            throw new RecvException($"zmq {_endpoint}: cannot {(_connect ? "connect" : "bind")}: {Why(ex)}");
        }

        _socket = socket;
        Name = _connect ? $"zmq connect {endpoint}" : $"zmq {endpoint}";
        Senders = new SenderTable(Name, tag => "service_tag " + tag.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc/>
    public override void Dispose() => _socket?.Dispose();

    /// <inheritdoc/>
    protected override void Run(IFrameSink sink)
    {
        var msg = new Msg();
        msg.InitEmpty();
        try
        {
            while (!Stopping)
            {
                if (!_socket!.TryReceive(ref msg, TimeSpan.FromMilliseconds(200)))
                {
                    continue;
                }

                Received++;
                long arrival = NowNanos();
                Span<byte> message = msg.Slice();
                lock (sink.Gate)
                {
                    Decode(sink, message, arrival);
                }
            }
        }
        finally
        {
            msg.Close();
        }
    }

    private void Decode(IFrameSink sink, Span<byte> message, long arrival)
    {
        DecodeStatus status = ZmqBatchReader.ReadHeader(message, out ZmqBatchHeader header);
        if (status != DecodeStatus.Ok)
        {
            CountMalformed(Senders.FindBatch(0, 0, hasTag: false), status);
            return;
        }

        SenderEntry sender = Senders.FindBatch(header.Uuid, header.ServiceTag, hasTag: true);
        var reader = new ZmqBatchReader(message, header);
        while (reader.Next(out ZmqRecord record))
        {
            switch (record.Kind)
            {
                case ZmqRecordKind.Heartbeat:
                    sender.Heartbeats++;
                    break;
                case ZmqRecordKind.Malformed:
                    CountMalformed(sender, record.Status);
                    break;
                case ZmqRecordKind.FrameWithTag:
                    sender.KeptWithTag++;
                    Deliver(sink, sender, message, record.Frame, arrival);
                    break;
                default:
                    Deliver(sink, sender, message, record.Frame, arrival);
                    break;
            }
        }
    }

    /// <summary>NetMQ's exceptions say only "Exception of type … was thrown."; their error code says what happened.</summary>
    private static string Why(Exception ex) => ex switch
    {
        NetMQException { InnerException: System.Net.Sockets.SocketException socket } => socket.Message,
        NetMQException netmq => System.Text.RegularExpressions.Regex.Replace(netmq.ErrorCode.ToString(), "(?<=[a-z])(?=[A-Z])", " ").ToLowerInvariant(),
        _ => ex.Message,
    };
}
