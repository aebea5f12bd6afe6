using System.Runtime.CompilerServices;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>The packet path of <see cref="PcapFileSource"/>: block reads, record parsing, pacing. Nothing here allocates.</summary>
internal sealed unsafe partial class PcapFileSource
{
    /// <summary>First guess of the bytes per record (header included), before the file has told us.</summary>
    private const int InitialAverageRecord = 512;

    /// <summary>Largest read while pacing: a paced batch is small, and unread bytes are read again.</summary>
    private const int PacedReadBytes = 64 * 1024;

    /// <summary>File offset of the next record to deliver.</summary>
    private long _offset;

    /// <summary>Passes over the file completed.</summary>
    private int _passes;

    /// <summary>Records read in the current pass (delivered or filtered out).</summary>
    private long _recordsThisPass;

    /// <summary>Running estimate of the bytes per record, to size reads to what the batch can take.</summary>
    private int _averageRecord;

    /// <summary>True once this pass's first record has fixed the pacing origin.</summary>
    private bool _paceAnchored;

    /// <summary>Recorded time (ns) of the pass's first record.</summary>
    private long _paceOriginNanos;

    /// <summary>Clock reading (<see cref="TimeProvider"/> ticks) when the pass's first record was delivered.</summary>
    private long _paceOriginTicks;

    /// <summary>When the record that was not yet due falls due, in clock ticks.</summary>
    private long _nextDueTicks;

    /// <summary>What one block read ended with.</summary>
    private enum BlockResult
    {
        /// <summary>Records consumed (or a partial record left for the next read); go on.</summary>
        More,

        /// <summary>No descriptor left in the batch.</summary>
        BatchFull,

        /// <summary>The next record is not due yet (<c>speed</c>).</summary>
        NotDue,

        /// <summary>The file ended cleanly at a record boundary.</summary>
        EndOfPass,

        /// <summary>A damaged record; the reason is in the out parameter.</summary>
        Damaged,
    }

    /// <inheritdoc/>
    public override SourceStatus Fill(PacketBatch batch, int timeoutMs)
    {
        if (_finished)
        {
            return SourceStatus.EndOfInput;
        }

        if (_file is null)
        {
            throw new InvalidOperationException("the replay is not open");
        }

        if (_ng is not null)
        {
            return FillPcapng(batch, timeoutMs);
        }

        int minimumRead = PcapFileHeader.RecordHeaderLength + _header.Snaplen;
        if (batch.DataCapacity < minimumRead)
        {
            throw new ArgumentException($"a batch of {batch.DataCapacity} bytes cannot hold a record of this file ({minimumRead} bytes)", nameof(batch));
        }

        long deadline = Environment.TickCount64 + Math.Max(timeoutMs, 0);
        while (true)
        {
            if (batch.Count == 0 && batch.BytesUsed > 0)
            {
                // Only records the filter rejected lie there: take the space back.
                batch.Reset();
            }

            if (batch.IsFull || batch.DataCapacity - batch.BytesUsed < minimumRead)
            {
                return SourceStatus.Active;
            }

            switch (ReadBlock(batch, out string? damage))
            {
                case BlockResult.BatchFull:
                    return SourceStatus.Active;
                case BlockResult.Damaged:
                    Finish(damage);
                    return SourceStatus.EndOfInput;
                case BlockResult.EndOfPass:
                    _passes++;
                    bool again = _recordsThisPass > 0 && (_config.Loop == 0 || _passes < _config.Loop);
                    if (!again)
                    {
                        // A pass that found no record ends a "forever" replay: it would spin for nothing.
                        Finish(null);
                        return SourceStatus.EndOfInput;
                    }

                    _offset = PcapFileHeader.Length;
                    _recordsThisPass = 0;
                    _paceAnchored = false;
                    break;
                case BlockResult.NotDue:
                    if (batch.Count > 0 || !WaitUntilDue(deadline))
                    {
                        return SourceStatus.Active;
                    }

                    continue;
            }

            // A filter that rejects everything must not keep the capture thread here forever.
            if (Environment.TickCount64 >= deadline)
            {
                return SourceStatus.Active;
            }
        }
    }

    /// <summary>
    /// Reads records from <see cref="_offset"/> into the batch's free space and describes every
    /// complete one that is due, until the block, the batch or the due records run out.
    /// </summary>
    private BlockResult ReadBlock(PacketBatch batch, out string? damage)
    {
        damage = null;
        int start = batch.BytesUsed;
        Span<byte> free = batch.FreeSpace;
        int want = ReadSize(batch, free.Length);
        int n;
        try
        {
            n = RandomAccess.Read(_file!, free[..want], _offset);
        }
        catch (IOException ex)
        {
            damage = $"cannot read at offset {_offset}: {ex.Message}";
            return BlockResult.Damaged;
        }

        if (n == 0)
        {
            return BlockResult.EndOfPass;
        }

        // pread on a regular file returns less than asked only at the end of the file.
        bool endOfFile = n < want;
        bool swapped = _header.Swapped;
        int snaplen = _header.Snaplen;
        bool nanoseconds = _header.Nanoseconds;
        double speed = _config.Speed ?? 0;
        byte* data = batch.DataPointer;
        long now = speed > 0 ? _time.GetTimestamp() : 0;
        long blockOffset = _offset;
        int pos = 0;
        int records = 0;
        BlockResult result = BlockResult.More;
        while (true)
        {
            int available = n - pos;
            if (available == 0)
            {
                result = endOfFile ? BlockResult.EndOfPass : BlockResult.More;
                break;
            }

            if (batch.IsFull)
            {
                result = BlockResult.BatchFull;
                break;
            }

            if (available < PcapFileHeader.RecordHeaderLength)
            {
                if (endOfFile)
                {
                    damage = $"truncated record header at offset {blockOffset + pos}: {available} of {PcapFileHeader.RecordHeaderLength} bytes";
                    result = BlockResult.Damaged;
                }

                break;
            }

            ReadOnlySpan<byte> h = free.Slice(pos, PcapFileHeader.RecordHeaderLength);
            uint seconds = PcapFileHeader.Read32(h, swapped);
            uint fraction = PcapFileHeader.Read32(h[4..], swapped);
            uint captureLength = PcapFileHeader.Read32(h[8..], swapped);
            uint length = PcapFileHeader.Read32(h[12..], swapped);
            if (captureLength > LibpcapCaptureConfig.MaxSnaplen || captureLength > length)
            {
                damage = captureLength > LibpcapCaptureConfig.MaxSnaplen
                    ? $"record at offset {blockOffset + pos}: caplen {captureLength} is larger than {LibpcapCaptureConfig.MaxSnaplen}"
                    : $"record at offset {blockOffset + pos}: caplen {captureLength} is larger than its length {length}";
                result = BlockResult.Damaged;
                break;
            }

            long timestamp = seconds * 1_000_000_000L + (nanoseconds ? fraction : fraction * 1000L);
            if (speed > 0 && !IsDue(timestamp, speed, ref now))
            {
                result = BlockResult.NotDue;
                break;
            }

            int recordBytes = PcapFileHeader.RecordHeaderLength + (int)captureLength;
            int deliver = Math.Min((int)captureLength, snaplen);
            if (recordBytes > available)
            {
                if (endOfFile)
                {
                    damage = $"truncated record at offset {blockOffset + pos}: caplen {captureLength} but {available - PcapFileHeader.RecordHeaderLength} bytes left in the file";
                    result = BlockResult.Damaged;
                }
                else if (pos == 0 && deliver < captureLength)
                {
                    // Longer than the file's snaplen and than this read (which always holds a
                    // snaplen-sized record): keep snaplen bytes, as libpcap does, and skip the rest.
                    batch.Advance(PcapFileHeader.RecordHeaderLength + deliver);
                    Deliver(batch, data, start + PcapFileHeader.RecordHeaderLength, deliver, (int)Math.Min(length, int.MaxValue), timestamp);
                    blockOffset += recordBytes;
                    records++;
                }

                break;
            }

            batch.Advance(recordBytes);
            Deliver(batch, data, start + pos + PcapFileHeader.RecordHeaderLength, deliver, (int)Math.Min(length, int.MaxValue), timestamp);
            pos += recordBytes;
            records++;
        }

        _offset = blockOffset + pos;
        _recordsThisPass += records;
        if (records > 0)
        {
            _averageRecord = Math.Max(PcapFileHeader.RecordHeaderLength, (_averageRecord + (pos / records)) / 2);
        }

        return result;
    }

    /// <summary>Describes the frame at <paramref name="offset"/> (as recorded) if the filter takes it, normalising it in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Deliver(PacketBatch batch, byte* data, int offset, int captureLength, int length, long timestamp)
    {
        if (_filter is not null && !_filter.Matches(data + offset, captureLength, length))
        {
            return;
        }

        int linkType = _header.LinkType;
        if (linkType == LinkTypeNormalizer.Ethernet)
        {
            batch.AddInPlace(offset, captureLength, length, timestamp);
            return;
        }

        int strip = LinkTypeNormalizer.Inspect(linkType, new ReadOnlySpan<byte>(data + offset, captureLength), out ushort etherType);
        if (strip < 0)
        {
            batch.AddInPlace(offset, 0, length, timestamp);
            return;
        }

        // The 16-byte record header in front of the frame has already been parsed: the Ethernet
        // header may overwrite it (raw IP) or the end of the link header it replaces (SLL).
        int ethernet = offset + strip - LinkTypeNormalizer.EthernetHeaderLength;
        LinkTypeNormalizer.WriteEthernetHeader(new Span<byte>(data + ethernet, LinkTypeNormalizer.EthernetHeaderLength), etherType);
        batch.AddInPlace(ethernet, captureLength - strip + LinkTypeNormalizer.EthernetHeaderLength, LinkTypeNormalizer.AdjustLength(length, strip), timestamp);
    }

    /// <summary>
    /// How much to read: about what the batch's remaining descriptors can describe, at least one
    /// record of the largest size (so it is never cut short), at most the free space.
    /// </summary>
    private int ReadSize(PacketBatch batch, int free)
    {
        long estimate = (long)(batch.PacketCapacity - batch.Count) * _averageRecord;
        estimate += estimate / 4;
        if (_config.Speed is not null)
        {
            estimate = Math.Min(estimate, PacedReadBytes);
        }

        estimate = Math.Max(estimate, PcapFileHeader.RecordHeaderLength + _header.Snaplen);
        estimate = (estimate + 4095) & ~4095L;
        return (int)Math.Min(estimate, free);
    }

    /// <summary>True when the record recorded at <paramref name="timestamp"/> may be delivered now.</summary>
    private bool IsDue(long timestamp, double speed, ref long now)
    {
        if (!_paceAnchored)
        {
            _paceAnchored = true;
            _paceOriginNanos = timestamp;
            _paceOriginTicks = now;
            return true;
        }

        long recorded = timestamp - _paceOriginNanos;
        if (recorded <= 0)
        {
            return true;
        }

        // In double and compared before any cast: a tiny speed puts the record past the end of
        // time, and a saturating cast added to the origin would wrap around to "due at once".
        double dueAfter = recorded / speed * _time.TimestampFrequency / 1e9;
        if (now - _paceOriginTicks >= dueAfter)
        {
            return true;
        }

        now = _time.GetTimestamp();
        _nextDueTicks = dueAfter >= long.MaxValue - _paceOriginTicks ? long.MaxValue : _paceOriginTicks + (long)dueAfter;
        return now >= _nextDueTicks;
    }

    /// <summary>Sleeps until the next record is due or <paramref name="deadline"/> (TickCount64) passes; false at the deadline.</summary>
    private bool WaitUntilDue(long deadline)
    {
        long left = deadline - Environment.TickCount64;
        if (left <= 0)
        {
            return false;
        }

        long dueInTicks = _nextDueTicks - _time.GetTimestamp();
        if (dueInTicks <= 0)
        {
            return true;
        }

        long dueInMs = (long)Math.Min(dueInTicks * 1000.0 / _time.TimestampFrequency, int.MaxValue);
        if (dueInMs >= 1)
        {
            Thread.Sleep((int)Math.Min(dueInMs, left));
        }
        else
        {
            Thread.Yield();
        }

        return true;
    }
}
