using System.Diagnostics;
using System.Globalization;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A ZeroMQ PULL socket bound on 127.0.0.1 that takes every message: libzmq through Debian's
/// python3-zmq in its own process when it is installed (C, one copy per message, as a collector
/// would be), else a NetMQ socket drained by a thread of this process.
/// </summary>
internal sealed class ZmqDrain : ILoopbackReceiver
{
    private const string PythonPath = "/usr/bin/python3";

    /// <summary>Prints its port, then the running count of messages every 16 messages and when idle.</summary>
    private const string Script = """
        import sys, zmq
        ctx = zmq.Context()
        s = ctx.socket(zmq.PULL)
        s.setsockopt(zmq.RCVHWM, 10000)
        print(s.bind_to_random_port("tcp://127.0.0.1"), flush=True)
        n = 0
        while True:
            if s.poll(50):
                s.recv(copy=False)
                n += 1
                if n % 16 == 0:
                    print(n, flush=True)
            else:
                print(n, flush=True)
        """;

    private readonly Process? _python;
    private readonly PullSocket? _socket;
    private readonly Thread? _thread;
    private volatile bool _stop;
    private long _received;
    private long _base;

    /// <summary>Binds a free port on 127.0.0.1 and starts draining.</summary>
    public ZmqDrain()
    {
        if (File.Exists(PythonPath) && ChildProcess.Run(PythonPath, ["-c", "import zmq"], TimeSpan.FromSeconds(20)).ExitCode == 0)
        {
            var psi = new ProcessStartInfo(PythonPath) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add(Script);
            _python = Process.Start(psi) ?? throw new InvalidOperationException("cannot start python3");
            StreamReader output = _python.StandardOutput;
            Port = int.Parse(output.ReadLine() ?? throw new InvalidOperationException("the python3-zmq receiver did not start"), CultureInfo.InvariantCulture);
            _thread = new Thread(() =>
            {
                while (output.ReadLine() is { } line)
                {
                    if (long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                    {
                        Interlocked.Exchange(ref _received, n);
                    }
                }
            })
            { IsBackground = true, Name = "zmq-drain-output" };
            _thread.Start();
            Kind = "libzmq (python3-zmq)";
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
            // The python receiver reports its count at most 50 ms late: wait for it to go quiet.
            long last = -1;
            for (int i = 0; i < 40 && Interlocked.Read(ref _received) != last; i++)
            {
                last = Interlocked.Read(ref _received);
                Thread.Sleep(_python is null ? 0 : 60);
            }

            return last - Interlocked.Read(ref _base);
        }
    }

    /// <inheritdoc/>
    public void Reset() => Interlocked.Exchange(ref _base, Interlocked.Read(ref _received));

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_python is not null)
        {
            _python.Kill();
            _python.WaitForExit(5000);
            _thread?.Join(5000);
            _python.Dispose();
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
