using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Cpworker.Engine.Interop;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>The packet path of <see cref="RingCaptureSource"/>: walking retired blocks; nothing here allocates.</summary>
internal sealed unsafe partial class RingCaptureSource
{
    /// <summary>802.1Q tag length.</summary>
    private const int VlanTagLength = 4;

    /// <summary>The block being walked; -1 between blocks.</summary>
    private int _current = -1;

    /// <summary>The block the kernel hands over next.</summary>
    private int _next;

    /// <summary>
    /// The sequence number that block will carry when it is new. A block that a batch still holds
    /// is also marked as the user's, with an older number: when the ring wraps around to it, it is
    /// not new, and the kernel is waiting for it (dropping meanwhile).
    /// </summary>
    private ulong _nextSequence = 1;

    /// <summary>The next packet header in <see cref="_current"/>.</summary>
    private byte* _packet;

    /// <summary>Packets of <see cref="_current"/> not walked yet.</summary>
    private int _left;

    /// <summary>How far ahead of the packet being read the block is prefetched, in bytes.</summary>
    private const int PrefetchDistance = 4096;

    /// <summary>The block is prefetched up to here; <see cref="_blockEnd"/> is where its packets end.</summary>
    private byte* _prefetched, _blockEnd;

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        if (_fd < 0)
        {
            throw new InvalidOperationException("the capture is not open");
        }

        if (Walk(batch) == 0 && timeoutMs > 0 && !batch.IsFull && WaitReadable(timeoutMs) && Walk(batch) == 0)
        {
            // Readable yet nothing new: the block after the last one walked is still held by a
            // batch further down the pipeline. Wait a little instead of spinning on poll.
            Thread.Sleep(1);
        }

        return SourceStatus.Active;
    }

    /// <inheritdoc/>
    public void Release(int block)
    {
        if (Interlocked.Decrement(ref _holds[block]) == 0 && _ring is not null)
        {
            var descriptor = (LibC.TPacketBlockDesc*)(_ring + ((nint)block * _blockBytes));
            Volatile.Write(ref descriptor->BlockStatus, LibC.TpStatusKernel);
        }
    }

    /// <summary>Describes every frame the kernel has handed over in the batch, until none is left or the batch is full.</summary>
    private int Walk(PacketBatch batch)
    {
        int added = 0;
        while (!batch.IsFull)
        {
            if (_current < 0 && !TakeBlock())
            {
                break;
            }

            if (_left == 0)
            {
                int done = _current;
                _current = -1;
                Release(done); // the reader's hold
                continue;
            }

            Prefetch();
            var header = (LibC.TPacket3Header*)_packet;
            if (_loopback && ((LibC.SockAddrLl*)(_packet + LibC.TPacket3HeaderLength))->PktType == LibC.PacketOutgoing)
            {
                Next(header); // the same frame comes back as incoming
                continue;
            }

            byte* frame = _packet + header->MacOffset;
            int captureLength = (int)Math.Min(header->CaptureLength, (uint)_snaplen);
            int length = (int)Math.Min(header->Length, int.MaxValue);
            long timestamp = header->Seconds * 1_000_000_000L + header->Nanoseconds;
            if (timestamp <= _refilterUntil && !_filter!.Matches(frame, captureLength, length))
            {
                Next(header); // passed the filter before the last SetFilter, not the current one
                continue;
            }

            if ((header->VlanTci != 0 || (header->Status & LibC.TpStatusVlanValid) != 0) && header->CaptureLength >= 12)
            {
                if (!AddWithTag(batch, header, frame, length, timestamp))
                {
                    break;
                }
            }
            else
            {
                if (!batch.Holds(this, _current))
                {
                    if (!batch.TryHold(this, _current))
                    {
                        break;
                    }

                    Interlocked.Increment(ref _holds[_current]);
                }

                batch.AddLent(frame, captureLength, length, timestamp);
            }

            Next(header);
            added++;
        }

        return added;
    }

    /// <summary>Starts walking the next block if the kernel has retired it.</summary>
    private bool TakeBlock()
    {
        var descriptor = (LibC.TPacketBlockDesc*)(_ring + ((nint)_next * _blockBytes));
        if ((Volatile.Read(ref descriptor->BlockStatus) & LibC.TpStatusUser) == 0 || descriptor->SequenceNumber != _nextSequence)
        {
            return false;
        }

        _nextSequence++;
        _current = _next;
        _next = _next + 1 == _blockCount ? 0 : _next + 1;
        Volatile.Write(ref _holds[_current], 1);
        _packet = (byte*)descriptor + descriptor->OffsetToFirstPacket;
        _left = (int)descriptor->PacketCount;
        _prefetched = _packet;
        _blockEnd = (byte*)descriptor + Math.Min(descriptor->BlockLength, (uint)_blockBytes);
        return true;
    }

    /// <summary>
    /// The kernel wrote the block on another CPU (or long ago): every header is a cache miss, and
    /// the next one's address is only known once the current one is read. Prefetching the bytes
    /// ahead of the walk overlaps those misses.
    /// </summary>
    private void Prefetch()
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        byte* target = _packet + PrefetchDistance;
        if (target > _blockEnd)
        {
            target = _blockEnd;
        }

        while (_prefetched < target)
        {
            Sse.Prefetch0(_prefetched);
            _prefetched += 64;
        }
    }

    private void Next(LibC.TPacket3Header* header)
    {
        _packet += header->NextOffset;
        _left--;
    }

    /// <summary>
    /// The kernel took the frame's 802.1Q tag off (<c>tp_vlan_tci</c>); like libpcap, put it back,
    /// which needs a copy into the batch's own bytes. False when the batch has no room left.
    /// </summary>
    private bool AddWithTag(PacketBatch batch, LibC.TPacket3Header* header, byte* frame, int length, long timestamp)
    {
        int captured = (int)header->CaptureLength;
        Span<byte> destination = batch.ReserveTail(captured + VlanTagLength);
        if (destination.IsEmpty)
        {
            return false;
        }

        var source = new ReadOnlySpan<byte>(frame, captured);
        source[..12].CopyTo(destination);
        bool tpidValid = header->VlanTpid != 0 || (header->Status & LibC.TpStatusVlanTpidValid) != 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[12..], tpidValid ? header->VlanTpid : (ushort)0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(destination[14..], (ushort)header->VlanTci);
        source[12..].CopyTo(destination[16..]);
        batch.CommitTail(Math.Min(captured + VlanTagLength, _snaplen), length + VlanTagLength, timestamp);
        return true;
    }

    /// <summary>Hands every block the kernel has retired straight back (a fanout member about to join drops what it saw alone).</summary>
    private void DiscardReady()
    {
        for (int i = 0; i < _blockCount; i++)
        {
            var descriptor = (LibC.TPacketBlockDesc*)(_ring + ((nint)_next * _blockBytes));
            if ((Volatile.Read(ref descriptor->BlockStatus) & LibC.TpStatusUser) == 0 || descriptor->SequenceNumber != _nextSequence)
            {
                return;
            }

            _nextSequence++;
            Volatile.Write(ref descriptor->BlockStatus, LibC.TpStatusKernel);
            _next = _next + 1 == _blockCount ? 0 : _next + 1;
        }
    }

    /// <summary>
    /// Waits until a block is retired, at most <paramref name="timeoutMs"/>. Throws when the socket
    /// reports an error: the interface went down or was removed (also with its netns).
    /// </summary>
    private bool WaitReadable(int timeoutMs)
    {
        LibC.PollFd pollFd = default;
        pollFd.Fd = _fd;
        pollFd.Events = LibC.PollIn;
        if (LibC.Poll(&pollFd, 1, timeoutMs) <= 0)
        {
            return false; // timeout, or EINTR: an empty wait, the caller comes back
        }

        if ((pollFd.ReturnedEvents & (LibC.PollErr | LibC.PollHup | LibC.PollNval)) != 0)
        {
            int error = 0;
            uint length = sizeof(int);
            if (LibC.GetSockOpt(_fd, LibC.SolSocket, LibC.SoError, &error, &length) != 0)
            {
                error = Marshal.GetLastPInvokeError();
            }

            throw new CaptureException($"capture on {Where} failed: the interface went down or disappeared ({LibC.ErrorText(error)})");
        }

        return true;
    }
}
