using Cpworker.Engine.Interop;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>The packet path of <see cref="LiveCaptureSource"/>: nothing here allocates.</summary>
internal sealed unsafe partial class LiveCaptureSource
{
    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        if (_device is null)
        {
            throw new InvalidOperationException("the capture is not open");
        }

        // Drain first: with TPACKET_V3 libpcap may still hold frames of a block it already took
        // from the kernel, and the descriptor does not report those as readable.
        if (Drain(batch) == 0 && timeoutMs > 0 && HasRoom(batch) && WaitReadable(timeoutMs))
        {
            Drain(batch);
        }

        return SourceStatus.Active;
    }

    /// <summary>True when the next frame, whatever its size, fits: a frame taken from libpcap cannot be put back.</summary>
    private bool HasRoom(PacketBatch batch) => !batch.IsFull && batch.DataCapacity - batch.BytesUsed >= _maxFrameLength;

    /// <summary>Moves every frame libpcap has ready into the batch, until it has none or the batch is full.</summary>
    private int Drain(PacketBatch batch)
    {
        int added = 0;
        nint header = 0;
        nint data = 0;
        while (HasRoom(batch))
        {
            int rc = _device!.GetNextPacketPointers(ref header, ref data);
            if (rc <= 0)
            {
                if (rc == 0)
                {
                    break;
                }

                throw Failed(rc);
            }

            var h = (LibPcap.PcapPacketHeader*)header;
            long timestamp = h->Seconds * 1_000_000_000L + (_nanoseconds ? h->Fraction : h->Fraction * 1000);
            int captureLength = (int)Math.Min(h->CaptureLength, (uint)_snaplen);
            int length = (int)Math.Min(h->Length, int.MaxValue);
            var frame = new ReadOnlySpan<byte>((void*)data, captureLength);
            if (_linkType == LinkTypeNormalizer.Ethernet)
            {
                batch.TryAppend(frame, length, timestamp);
            }
            else
            {
                Span<byte> destination = batch.ReserveTail(captureLength + LinkTypeNormalizer.MaxGrowth);
                int normalized = LinkTypeNormalizer.Normalize(_linkType, frame, length, destination, out int normalizedLength);
                batch.CommitTail(normalized, normalizedLength, timestamp);
            }

            added++;
        }

        return added;
    }

    /// <summary>Waits until the handle's descriptor is readable (or reports an error), at most <paramref name="timeoutMs"/>.</summary>
    private bool WaitReadable(int timeoutMs)
    {
        LibC.PollFd pollFd = default;
        pollFd.Fd = _fd;
        pollFd.Events = LibC.PollIn;

        // Error events count as "ready": the next pcap_next_ex turns them into its own error.
        // A failed poll (EINTR) is simply an empty wait; the caller comes back.
        return LibC.Poll(&pollFd, 1, timeoutMs) > 0;
    }

    private CaptureException Failed(int rc)
    {
        // Interface removed (ENXIO, "The interface disappeared") or taken away with its netns.
        string error = LibPcap.GetError(_pcap);
        return new CaptureException($"capture on {Where} failed: {(error.Length > 0 ? error : $"libpcap error {rc}")}");
    }
}
