using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>A <see cref="FakeSource"/> that records every filter installed on it and the thread that installed it.</summary>
internal sealed class FilterRecordingSource : PacketSource
{
    private readonly FakeSource _inner;
    private readonly List<(string? Filter, int ThreadId, int DeliveredBefore)> _filters = new();
    private int _fillThread;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public FilterRecordingSource(FakeSource inner) => _inner = inner;

    /// <summary>Filters installed so far, with the installing thread and how many packets had been delivered.</summary>
    public IReadOnlyList<(string? Filter, int ThreadId, int DeliveredBefore)> Filters
    {
        get
        {
            lock (_filters)
            {
                return _filters.ToArray();
            }
        }
    }

    /// <summary>The thread that fills batches (the capture thread).</summary>
    public int FillThread => Volatile.Read(ref _fillThread);

    /// <summary>Packets delivered.</summary>
    public int Delivered => _inner.Delivered;

    /// <inheritdoc/>
    public override int MaxFrameLength => _inner.MaxFrameLength;

    /// <inheritdoc/>
    public override bool IsLossless => _inner.IsLossless;

    /// <inheritdoc/>
    public override void Open() => _inner.Open();

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        Volatile.Write(ref _fillThread, Environment.CurrentManagedThreadId);
        return _inner.Fill(batch, timeoutMs);
    }

    /// <inheritdoc/>
    public override void SetFilter(string? filter)
    {
        lock (_filters)
        {
            _filters.Add((filter, Environment.CurrentManagedThreadId, _inner.Delivered));
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _inner.Dispose();
        base.Dispose();
    }
}
