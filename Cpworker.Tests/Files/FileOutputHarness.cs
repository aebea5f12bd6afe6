using Cpworker.Tests.Support;
using System.Collections.Concurrent;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Tests.Files;

/// <summary>How a harness connects the encoder to the transport, as the two schedulers do.</summary>
public enum LaneKind
{
    /// <summary><see cref="InlineSendLane"/>: the transport runs on the caller's thread.</summary>
    Rtc,

    /// <summary><see cref="QueuedSendLane"/> to a sender thread of the harness's own.</summary>
    Pipeline,
}

/// <summary>
/// Runs one output the way a scheduler does, without a capture: packets go through the real
/// <see cref="OutputStage"/> (slice, counters) into the output's encoder, and its buffers reach the
/// transport inline (rtc) or through a <see cref="QueuedSendLane"/> and a sender thread (pipeline).
/// Transport calls the test makes (<see cref="OnTransport"/>) run on the sender thread, after every
/// buffer submitted before them.
/// </summary>
internal sealed class FileOutputHarness : IDisposable
{
    private readonly QueuedSendLane? _lane;
    private readonly Thread? _sender;
    private readonly ConcurrentQueue<(Action Action, ManualResetEventSlim Done)> _commands = new();
    private readonly PacketBatch _batch = new(4 << 20, TaskGraph.MaxPacketsPerBatch);
    private Exception? _senderError;
    private bool _closed;

    /// <summary>Set when the test stops the output as a failed task start would: no Close.</summary>
    private volatile bool _abandoned;

    /// <summary>
    /// Creates the output with <paramref name="type"/>'s <c>Create</c> and wires it; with
    /// <paramref name="start"/> the transport gets its first tick at once, as a started task's does.
    /// </summary>
    public FileOutputHarness(LaneKind kind, OutputType type, OutputSettings settings, TimeProvider clock, int slice = 0, int captureSnaplen = 262144, bool start = true)
    {
        Context = new OutputContext
        {
            TaskName = "task-0",
            Config = new OutputConfig { Index = 0, Type = type.Name, Slice = slice, Settings = settings },
            Logger = Logger,
            Time = clock,
            Counters = Counters,
            CaptureSnaplen = captureSnaplen,
        };
        Parts = type.Create(settings, Context);
        Stage = new OutputStage(Context, Parts);
        if (kind == LaneKind.Rtc)
        {
            Parts.Encoder.Attach(new InlineSendLane(Parts.Transport, Parts.BufferBytes, Parts.MaxMessages));
        }
        else
        {
            // Lossless like a replay: the tests decide exactly what is lost.
            _lane = new QueuedSendLane(Parts.PipelineBuffers, Parts.BufferBytes, Parts.MaxMessages, waitWhenCongested: true, aborted: () => false);
            Parts.Encoder.Attach(_lane);
            _sender = new Thread(SenderLoop) { IsBackground = true, Name = "test-sender" };
            _sender.Start();
        }

        if (start)
        {
            TickTransport();
        }
    }

    /// <summary>What the output logged.</summary>
    public ListLogger Logger { get; } = new();

    /// <summary>The output's counters.</summary>
    public OutputCounters Counters { get; } = new();

    /// <summary>The output's context.</summary>
    public OutputContext Context { get; }

    /// <summary>Encoder, transport and buffer shape.</summary>
    public OutputParts Parts { get; }

    /// <summary>The stage that feeds the encoder.</summary>
    public OutputStage Stage { get; }

    /// <summary>Runs packets through the output as batches (as many as they need).</summary>
    public void Process(IEnumerable<TestPacket> packets)
    {
        foreach (TestPacket p in packets)
        {
            if (!_batch.TryAppend(p.Frame, p.OriginalLength, p.TimestampNanos))
            {
                FlushBatch();
                Assert.That(_batch.TryAppend(p.Frame, p.OriginalLength, p.TimestampNanos), Is.True);
            }
        }

        FlushBatch();
    }

    /// <summary>Runs one packet through the output as a batch of its own.</summary>
    public void Process(TestPacket packet) => Process([packet]);

    /// <summary>The encoder's periodic work (as the packet thread does every 100 ms).</summary>
    public void TickEncoder() => Stage.Tick();

    /// <summary>The transport's periodic work, on the transport's thread.</summary>
    public void TickTransport() => OnTransport(Parts.Transport.OnTick);

    /// <summary>Waits until every buffer submitted so far has been written.</summary>
    public void Sync() => OnTransport(static () => { });

    /// <summary>Runs <paramref name="action"/> on the transport's thread after the buffers already submitted.</summary>
    public void OnTransport(Action action)
    {
        if (_lane is null)
        {
            action();
            return;
        }

        using var done = new ManualResetEventSlim();
        _commands.Enqueue((action, done));
        Assert.That(done.Wait(TimeSpan.FromSeconds(20)), Is.True, "the sender thread did not run the command");
        ThrowSenderError();
    }

    /// <summary>Stops as a scheduler does: the encoder flushes, the transport writes the rest and closes.</summary>
    public void Close()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Stage.Flush();
        if (_lane is null)
        {
            Parts.Transport.Close();
            return;
        }

        _lane.Complete();
        Assert.That(_sender!.Join(TimeSpan.FromSeconds(20)), Is.True, "the sender thread did not finish");
        ThrowSenderError();
    }

    /// <summary>Ends the output as a task that failed to start does: the transport is disposed, never closed.</summary>
    public void Abandon()
    {
        _closed = true;
        _abandoned = true;
        if (_lane is not null)
        {
            _lane.Complete();
            Assert.That(_sender!.Join(TimeSpan.FromSeconds(20)), Is.True, "the sender thread did not finish");
        }

        Parts.Transport.Dispose();
        _lane?.Dispose();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        try
        {
            Close();
        }
        finally
        {
            Parts.Transport.Dispose();
            _lane?.Dispose();
        }
    }

    private void FlushBatch()
    {
        if (_batch.Count > 0)
        {
            Stage.Process(_batch);
            _batch.Reset();
        }
    }

    private void SenderLoop()
    {
        try
        {
            while (true)
            {
                DrainWork();
                while (_commands.TryDequeue(out (Action Action, ManualResetEventSlim Done) command))
                {
                    DrainWork(); // what was submitted before the command goes first
                    try
                    {
                        command.Action();
                    }
                    finally
                    {
                        command.Done.Set();
                    }
                }

                if (_lane!.IsDrained)
                {
                    break;
                }

                SendBuffer? buffer = _lane.TakeWork(10);
                if (buffer is not null)
                {
                    Parts.Transport.Deliver(buffer);
                    _lane.Return(buffer);
                }
            }

            if (!_abandoned)
            {
                Parts.Transport.Close();
            }
        }
        catch (Exception ex)
        {
            _senderError = ex;
            while (_commands.TryDequeue(out (Action Action, ManualResetEventSlim Done) command))
            {
                command.Done.Set();
            }
        }
    }

    private void DrainWork()
    {
        while (_lane!.TakeWork(0) is SendBuffer buffer)
        {
            Parts.Transport.Deliver(buffer);
            _lane.Return(buffer);
        }
    }

    private void ThrowSenderError()
    {
        if (_senderError is not null)
        {
            throw new InvalidOperationException("the transport failed on the sender thread", _senderError);
        }
    }
}
