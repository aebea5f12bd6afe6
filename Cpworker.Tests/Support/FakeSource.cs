using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;

namespace Cpworker.Tests.Support;

/// <summary>
/// An in-memory packet source: delivers the given frames in order, at most
/// <see cref="MaxPerFill"/> per <see cref="Fill"/>, then reports the end of input (a replay) or
/// stays live and idle.
/// </summary>
internal sealed class FakeSource : PacketSource
{
    private readonly IReadOnlyList<(byte[] Frame, long TimestampNanos)> _frames;
    private int _next;
    private bool _endReported;

    /// <summary>Creates a source over <paramref name="frames"/>.</summary>
    public FakeSource(IReadOnlyList<(byte[] Frame, long TimestampNanos)> frames, bool lossless = true)
    {
        _frames = frames;
        Lossless = lossless;
    }

    /// <summary>True: a replay (ends, waits on congestion). False: live (never ends, drops on congestion).</summary>
    public bool Lossless { get; }

    /// <summary>Most packets per fill (exercises batching).</summary>
    public int MaxPerFill { get; init; } = 100;

    /// <summary>Live mode: pause this long before each fill, as real traffic arrives over time.</summary>
    public int PaceMs { get; init; }

    /// <summary>Throw from <see cref="Open"/> with this message (a source that cannot start).</summary>
    public string? FailOpen { get; init; }

    /// <summary>Make the <see cref="FailOpen"/> exception permanent (a task that can never work).</summary>
    public bool FailOpenPermanently { get; init; }

    /// <summary>Throw from <see cref="Fill"/> once this many packets were delivered (a source that fails).</summary>
    public int FailAfter { get; init; } = -1;

    /// <summary>Packets delivered so far.</summary>
    public int Delivered => Volatile.Read(ref _next);

    /// <summary>True once the thread that owns the source disposed it.</summary>
    public bool Disposed { get; private set; }

    /// <inheritdoc/>
    public override bool IsLossless => Lossless;

    /// <inheritdoc/>
    public override int MaxFrameLength => _frames.Count == 0 ? 64 : _frames.Max(f => f.Frame.Length);

    /// <inheritdoc/>
    public override void Open()
    {
        if (FailOpen is not null)
        {
            throw new CaptureException(FailOpen, FailOpenPermanently);
        }
    }

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        if (FailAfter >= 0 && _next >= FailAfter)
        {
            throw new CaptureException("fake interface went away");
        }

        if (PaceMs > 0)
        {
            Thread.Sleep(PaceMs);
        }

        int added = 0;
        while (_next < _frames.Count && added < MaxPerFill && (FailAfter < 0 || _next < FailAfter))
        {
            (byte[] frame, long ts) = _frames[_next];
            if (!batch.TryAppend(frame, frame.Length, ts))
            {
                break;
            }

            Volatile.Write(ref _next, _next + 1);
            added++;
        }

        if (_next < _frames.Count)
        {
            return SourceStatus.Active;
        }

        if (Lossless && !_endReported)
        {
            _endReported = true;
            return SourceStatus.EndOfInput;
        }

        if (!Lossless && added == 0)
        {
            Thread.Sleep(Math.Min(timeoutMs, 5)); // a live source waits for traffic
        }

        return Lossless ? SourceStatus.EndOfInput : SourceStatus.Active;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        Disposed = true;
        base.Dispose();
    }
}
