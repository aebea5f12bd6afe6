using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Benchmarks.Compare;

/// <summary>A NetMQ PULL socket bound on 127.0.0.1 that a thread drains, counting messages.</summary>
internal sealed class ZmqDrain : ILoopbackReceiver
{
    private readonly PullSocket _socket;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _received;

    /// <summary>Binds a free port on 127.0.0.1 and starts draining.</summary>
    public ZmqDrain()
    {
        _socket = new PullSocket();
        _socket.Options.ReceiveHighWatermark = 10_000;
        Port = _socket.BindRandomPort("tcp://127.0.0.1");
        _thread = new Thread(Drain) { IsBackground = true, Name = "zmq-drain" };
        _thread.Start();
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <inheritdoc/>
    public long Received => Interlocked.Read(ref _received);

    /// <inheritdoc/>
    public void Reset() => Interlocked.Exchange(ref _received, 0);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _socket.Dispose();
        NetMQConfig.Cleanup(block: false);
    }

    private void Drain()
    {
        var msg = new Msg();
        msg.InitEmpty();
        while (!_stop)
        {
            if (_socket.TryReceive(ref msg, TimeSpan.FromMilliseconds(100)))
            {
                Interlocked.Increment(ref _received);
            }
        }

        msg.Close();
    }
}
