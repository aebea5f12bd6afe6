using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Capture;

/// <summary>
/// The pcapng path of <see cref="PcapFileSource"/>: blocks are read into a buffer of the source's
/// own and each packet is copied into the batch (normalised to Ethernet on the way), so that
/// interfaces of different link types, a filter per link type and blocks of any layout work.
/// Nothing here allocates per packet.
/// </summary>
internal sealed unsafe partial class PcapFileSource
{
    /// <summary>Bytes the pcapng buffer holds: two of the largest blocks read whole.</summary>
    private const int PcapngBufferBytes = 2 * PcapngReader.MaxBlockLength;

    /// <summary>The pcapng parser; null for a classic pcap file.</summary>
    private PcapngReader? _ng;

    /// <summary>Blocks read from the file; allocated at <see cref="Open"/> for pcapng.</summary>
    private byte[] _ngBuffer = [];

    /// <summary>File offset of <c>_ngBuffer[0]</c>.</summary>
    private long _ngBase;

    /// <summary>Start of the next block in <see cref="_ngBuffer"/>.</summary>
    private int _ngStart;

    /// <summary>End of the bytes read into <see cref="_ngBuffer"/>.</summary>
    private int _ngEnd;

    /// <summary>The filter compiled for each interface of the section (null entries keep every packet).</summary>
    private readonly List<OfflineBpfFilter?> _ngFilters = [];

    /// <summary>The complete filter expression, compiled per link type as interfaces appear; null = none.</summary>
    private string? _filterExpression;

    private SourceStatus FillPcapng(PacketBatch batch, int timeoutMs)
    {
        long deadline = Environment.TickCount64 + Math.Max(timeoutMs, 0);
        double speed = _config.Speed ?? 0;
        long now = speed > 0 ? _time.GetTimestamp() : 0;
        while (!batch.IsFull)
        {
            ReadOnlySpan<byte> data = _ngBuffer.AsSpan(_ngStart, _ngEnd - _ngStart);
            string? damage;
            switch (_ng!.Next(data, out long length, out PcapngPacket packet, out damage))
            {
                case PcapngStep.NeedMore:
                    if (!RefillPcapng(out damage))
                    {
                        Finish(damage);
                        return SourceStatus.EndOfInput;
                    }

                    if (_ngEnd - _ngStart == data.Length)
                    {
                        // Nothing more in the file.
                        if (data.Length > 0)
                        {
                            Finish($"truncated block at offset {_ngBase + _ngStart}: {data.Length} bytes left in the file");
                            return SourceStatus.EndOfInput;
                        }

                        if (!NextPass())
                        {
                            return SourceStatus.EndOfInput;
                        }
                    }

                    if (Environment.TickCount64 >= deadline && batch.Count > 0)
                    {
                        return SourceStatus.Active;
                    }

                    break;
                case PcapngStep.Damaged:
                    Finish($"{damage} at offset {_ngBase + _ngStart}");
                    return SourceStatus.EndOfInput;
                case PcapngStep.Interface:
                    if (!CompileInterfaceFilter(out damage))
                    {
                        Finish(damage);
                        return SourceStatus.EndOfInput;
                    }

                    _ngStart += (int)length;
                    break;
                case PcapngStep.Skip:
                    SkipPcapng(length);
                    break;
                case PcapngStep.Packet:
                    if (speed > 0 && !IsDue(packet.TimestampNanos, speed, ref now))
                    {
                        if (batch.Count > 0 || !WaitUntilDue(deadline))
                        {
                            return SourceStatus.Active;
                        }

                        now = _time.GetTimestamp();
                        break;
                    }

                    if (batch.DataCapacity - batch.BytesUsed < packet.CaptureLength + LinkTypeNormalizer.MaxGrowth)
                    {
                        return SourceStatus.Active;
                    }

                    DeliverCopy(batch, data.Slice(packet.DataOffset, packet.CaptureLength), packet);
                    _recordsThisPass++;
                    _ngStart += (int)length;
                    break;
            }
        }

        return SourceStatus.Active;
    }

    /// <summary>Copies a pcapng frame into the batch if the filter takes it, with an Ethernet header for other link types.</summary>
    private void DeliverCopy(PacketBatch batch, ReadOnlySpan<byte> frame, in PcapngPacket packet)
    {
        OfflineBpfFilter? filter = _ngFilters[packet.Interface];
        if (filter is not null)
        {
            fixed (byte* p = frame)
            {
                if (!filter.Matches(p, frame.Length, packet.OriginalLength))
                {
                    return;
                }
            }
        }

        if (packet.LinkType == LinkTypeNormalizer.Ethernet)
        {
            batch.TryAppend(frame, packet.OriginalLength, packet.TimestampNanos);
            return;
        }

        int strip = LinkTypeNormalizer.Inspect(packet.LinkType, frame, out ushort etherType);
        if (strip < 0)
        {
            batch.TryAppend([], packet.OriginalLength, packet.TimestampNanos);
            return;
        }

        int length = frame.Length - strip + LinkTypeNormalizer.EthernetHeaderLength;
        Span<byte> tail = batch.ReserveTail(length);
        LinkTypeNormalizer.WriteEthernetHeader(tail[..LinkTypeNormalizer.EthernetHeaderLength], etherType);
        frame[strip..].CopyTo(tail[LinkTypeNormalizer.EthernetHeaderLength..]);
        batch.CommitTail(length, LinkTypeNormalizer.AdjustLength(packet.OriginalLength, strip), packet.TimestampNanos);
    }

    /// <summary>Moves the unread bytes to the front of the buffer and reads more after them; false (with the reason) on an I/O error.</summary>
    private bool RefillPcapng(out string? damage)
    {
        damage = null;
        if (_ngStart > 0)
        {
            Buffer.BlockCopy(_ngBuffer, _ngStart, _ngBuffer, 0, _ngEnd - _ngStart);
            _ngBase += _ngStart;
            _ngEnd -= _ngStart;
            _ngStart = 0;
        }

        try
        {
            _ngEnd += RandomAccess.Read(_file!, _ngBuffer.AsSpan(_ngEnd), _ngBase + _ngEnd);
            return true;
        }
        catch (IOException ex)
        {
            damage = $"cannot read at offset {_ngBase + _ngEnd}: {ex.Message}";
            return false;
        }
    }

    /// <summary>Moves past a block that is not read, which may end beyond the bytes in the buffer.</summary>
    private void SkipPcapng(long length)
    {
        if (length <= _ngEnd - _ngStart)
        {
            _ngStart += (int)length;
            return;
        }

        _ngBase += _ngStart + length;
        _ngStart = _ngEnd = 0;
    }

    /// <summary>Starts the next pass at the file's first section, or ends the replay (false).</summary>
    private bool NextPass()
    {
        _passes++;
        if (_recordsThisPass == 0 || (_config.Loop != 0 && _passes >= _config.Loop))
        {
            Finish(null);
            return false;
        }

        _ngBase = 0;
        _ngStart = _ngEnd = 0;
        _recordsThisPass = 0;
        _paceAnchored = false;
        _ng!.Reset();
        ClearInterfaceFilters();
        return true;
    }

    /// <summary>Compiles the filter for the interface just added (the reader's last); false with the reason when it does not compile.</summary>
    private bool CompileInterfaceFilter(out string? damage)
    {
        damage = null;
        PcapngInterface nic = _ng!.Interfaces[^1];
        if (_ng.Interfaces.Count == 1)
        {
            ClearInterfaceFilters();
        }

        OfflineBpfFilter? compiled = null;
        if (_filterExpression is not null)
        {
            string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.ToDlt(nic.LinkType), nic.Snaplen, _filterExpression, out compiled);
            if (error is not null)
            {
                damage = $"cannot compile the filter for interface {_ng.Interfaces.Count - 1} of {_config.FileName} (link type {nic.LinkType}): {error}";
                return false;
            }
        }

        _ngFilters.Add(compiled);
        return true;
    }

    private void ClearInterfaceFilters()
    {
        foreach (OfflineBpfFilter? f in _ngFilters)
        {
            f?.Dispose();
        }

        _ngFilters.Clear();
    }

    /// <summary>Recompiles every interface's filter for <paramref name="filter"/>; throws (keeping the old ones) when one does not compile.</summary>
    private void SetPcapngFilter(string? filter)
    {
        var compiled = new List<OfflineBpfFilter?>(_ng!.Interfaces.Count);
        foreach (PcapngInterface nic in _ng.Interfaces)
        {
            OfflineBpfFilter? f = null;
            string? error = filter is null ? null : OfflineBpfFilter.TryCompile(LinkTypeNormalizer.ToDlt(nic.LinkType), nic.Snaplen, filter, out f);
            if (error is not null)
            {
                compiled.ForEach(c => c?.Dispose());
                throw new CaptureException($"cannot compile the filter for {_config.FileName} ({filter}): {error}");
            }

            compiled.Add(f);
        }

        ClearInterfaceFilters();
        _ngFilters.AddRange(compiled);
        _filterExpression = filter;
    }
}
