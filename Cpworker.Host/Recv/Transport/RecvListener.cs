using Cpworker.Host.Recv;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Senders;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv.Transport;

/// <summary>
/// One listening socket and the thread that reads it: it decodes what arrives, counts per sender,
/// and writes frames to the shared sink under the sink's lock (once per receive call, not per
/// packet). Malformed input is counted and skipped, never thrown.
/// </summary>
internal abstract class RecvListener : IDisposable
{
    private readonly long[] _malformed = new long[Enum.GetValues<DecodeStatus>().Length];
    private Thread? _thread;
    private volatile bool _stopping;

    /// <summary>Creates the listener named <paramref name="kind"/> (vxlan, gre, zmq).</summary>
    protected RecvListener(string kind, ILogger logger)
    {
        Kind = kind;
        Logger = logger;
    }

    /// <summary><c>vxlan</c>, <c>gre</c> or <c>zmq</c>.</summary>
    public string Kind { get; }

    /// <summary>What it listens on, known once opened (<c>vxlan 127.0.0.1:40001</c>).</summary>
    public string Name { get; protected set; } = "";

    /// <summary>The senders seen (created by <see cref="Open"/>).</summary>
    public SenderTable Senders { get; protected set; } = null!;

    /// <summary>Datagrams or messages received (listener thread writes).</summary>
    public long Received;

    /// <summary>Malformed datagrams, batches or records by reason (listener thread writes).</summary>
    public long MalformedCount(DecodeStatus status) => Volatile.Read(ref _malformed[(int)status]);

    /// <summary>All malformed inputs.</summary>
    public long MalformedTotal()
    {
        long sum = 0;
        foreach (DecodeStatus s in Enum.GetValues<DecodeStatus>())
        {
            sum += MalformedCount(s);
        }

        return sum;
    }

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>True once a stop was requested; loops return within about 200 ms.</summary>
    protected bool Stopping => _stopping;

    /// <summary>Opens the socket (binds or connects); throws with a clear message when it cannot.</summary>
    public abstract void Open();

    /// <summary>Starts the reading thread.</summary>
    public void Start(IFrameSink sink)
    {
        _thread = new Thread(() => RunGuarded(sink)) { IsBackground = true, Name = "recv " + Kind };
        _thread.Start();
    }

    /// <summary>Asks the thread to end and waits for it.</summary>
    public void Stop()
    {
        _stopping = true;
        _thread?.Join();
    }

    /// <inheritdoc/>
    public abstract void Dispose();

    /// <summary>Reads until <see cref="Stopping"/>.</summary>
    protected abstract void Run(IFrameSink sink);

    /// <summary>Counts one malformed input of <paramref name="sender"/> (listener thread).</summary>
    protected void CountMalformed(SenderEntry sender, DecodeStatus status)
    {
        sender.Malformed++;
        _malformed[(int)status]++;
    }

    /// <summary>Counts and writes one decoded frame (listener thread, sink lock held).</summary>
    protected static void Deliver(IFrameSink sink, SenderEntry sender, ReadOnlySpan<byte> buffer, in DecodedFrame frame, long arrivalNanos)
    {
        long timestamp = frame.TimestampNanos >= 0 ? frame.TimestampNanos : arrivalNanos;
        sender.Count(frame.Length, frame.Direction);
        if (!sink.Write(sender, frame.In(buffer), frame.OriginalLength, timestamp, frame.Direction))
        {
            sender.SinkErrors++;
        }
    }

    /// <summary>Now, in nanoseconds since the Unix epoch (the arrival time of what the format does not stamp).</summary>
    protected static long NowNanos() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;

    private void RunGuarded(IFrameSink sink)
    {
        try
        {
            Run(sink);
        }
        catch (Exception ex)
        {
            // A bug must not take the other listeners down silently: say so; the counters stay.
            RecvLog.ListenerFailed(Logger, Name, ex);
        }
    }
}
