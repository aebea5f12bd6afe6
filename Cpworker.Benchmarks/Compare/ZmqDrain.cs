using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A ZeroMQ PULL socket bound on 127.0.0.1 that takes every message: the C libzmq receiver
/// (<see cref="ZmqSink"/>, so that the receiver is not the limit) when gcc and libzmq3-dev are
/// there, else libzmq through Debian's python3-zmq, both in their own process; else a NetMQ
/// socket drained by a thread of this process.
/// </summary>
internal sealed class ZmqDrain : ILoopbackReceiver
{
    private readonly ZmqSink? _sink;
    private readonly PullSocket? _socket;
    private readonly Thread? _thread;
    private volatile bool _stop;
    private long _received;
    private long _base;

    /// <summary>Binds a free port on 127.0.0.1 and starts draining; the C receiver is compiled into <paramref name="cacheDirectory"/>.</summary>
    public ZmqDrain(string? cacheDirectory = null)
    {
        _sink = (cacheDirectory is null ? null : ZmqSink.TryStartC(cacheDirectory)) ?? ZmqSink.TryStartPython();
        if (_sink is not null)
        {
            Port = _sink.Port;
            Kind = _sink.Kind == "c" ? "libzmq (C)" : "libzmq (python3-zmq)";
            return;
        }

        _socket = new PullSocket();
        _socket.Options.ReceiveHighWatermark = 10_000;
        Port = _socket.BindRandomPort("tcp://127.0.0.1");
        _thread = new Thread(Drain) { IsBackground = true, Name = "zmq-drain" };
        _thread.Start();
        Kind = "NetMQ";
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Which receiver runs.</summary>
    public string Kind { get; }

    /// <inheritdoc/>
    public long Received
    {
        get
        {
            if (_sink is not null)
            {
                // The daemon has exited; the receiver may still be reading what the kernel holds.
                return _sink.WaitFor(long.MaxValue, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(5)).Messages;
            }

            long last = -1;
            for (int i = 0; i < 40 && Interlocked.Read(ref _received) != last; i++)
            {
                last = Interlocked.Read(ref _received);
                Thread.Sleep(0);
            }

            return last - Interlocked.Read(ref _base);
        }
    }

    /// <inheritdoc/>
    public void Reset()
    {
        if (_sink is not null)
        {
            _sink.Reset();
            return;
        }

        Interlocked.Exchange(ref _base, Interlocked.Read(ref _received));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_sink is not null)
        {
            _sink.Dispose();
            return;
        }

        _stop = true;
        _thread!.Join();
        _socket!.Dispose();
        NetMQConfig.Cleanup(block: false);
    }

    private void Drain()
    {
        var msg = new Msg();
        msg.InitEmpty();
        while (!_stop)
        {
            if (_socket!.TryReceive(ref msg, TimeSpan.FromMilliseconds(100)))
            {
                Interlocked.Increment(ref _received);
            }
        }

        msg.Close();
    }
}
