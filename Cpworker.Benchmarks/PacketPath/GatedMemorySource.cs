using Cpworker.Benchmarks.Generation;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Threading;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// A replay-like source for scheduler benchmarks: every batch it fills holds the same frames of
/// the mixed benchmark capture (record headers in front, as the file reader leaves them), and it
/// fills only as many batches as the benchmark has released. A batch is written once, the first
/// time the source sees it; later fills only describe the frames again, so the benchmark measures
/// the scheduler and the stages, not a copy.
/// </summary>
/// <remarks><see cref="Fill"/> runs on the task's capture thread; <see cref="Release"/> on any thread.</remarks>
internal sealed class GatedMemorySource : PacketSource
{
    private readonly byte[] _records;
    private readonly (int Offset, int Length)[] _frames;
    private readonly List<PacketBatch> _written = new();
    private readonly ParkingSignal _released = new();
    private readonly long _timestamp = MixedCaptureGenerator.StartTimestampNanos;
    private long _allowed;
    private long _filled;

    /// <summary>Takes the first frames of the mixed capture that fit a batch of <paramref name="batchBytes"/>.</summary>
    public GatedMemorySource(int batchBytes, int maxPackets)
    {
        using var stream = new MemoryStream();
        MixedCaptureGenerator.Write(stream, maxPackets);
        byte[] file = stream.ToArray();
        var frames = new List<(int, int)>();
        int pos = 24;
        while (pos + 16 <= file.Length && frames.Count < maxPackets)
        {
            int caplen = BitConverter.ToInt32(file, pos + 8);
            if (pos - 24 + 16 + caplen > batchBytes)
            {
                break;
            }

            frames.Add((pos - 24 + 16, caplen));
            pos += 16 + caplen;
        }

        _records = file[24..pos];
        _frames = frames.ToArray();
    }

    /// <summary>Packets in each batch.</summary>
    public int PacketsPerBatch => _frames.Length;

    /// <summary>Frame bytes in each batch.</summary>
    public long BytesPerBatch => _frames.Sum(f => (long)f.Length);

    /// <inheritdoc/>
    public override int MaxFrameLength => MixedCaptureGenerator.MaxFrameLength;

    /// <inheritdoc/>
    public override bool IsLossless => true;

    /// <summary>Lets the source fill <paramref name="batches"/> more batches.</summary>
    public void Release(int batches)
    {
        Interlocked.Add(ref _allowed, batches);
        _released.Wake();
    }

    /// <inheritdoc/>
    public override void Open()
    {
    }

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        if (_filled == Volatile.Read(ref _allowed))
        {
            _released.PrepareToPark();
            if (_filled == Volatile.Read(ref _allowed))
            {
                _released.Park(timeoutMs);
            }
            else
            {
                _released.CancelPark();
            }

            if (_filled == Volatile.Read(ref _allowed))
            {
                return SourceStatus.Active;
            }
        }

        if (!_written.Contains(batch))
        {
            _records.CopyTo(batch.Data);
            _written.Add(batch);
        }

        batch.Advance(_records.Length);
        foreach ((int offset, int length) in _frames)
        {
            batch.AddInPlace(offset, length, length, _timestamp);
        }

        _filled++;
        return SourceStatus.Active;
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _released.Dispose();
        base.Dispose();
    }
}
