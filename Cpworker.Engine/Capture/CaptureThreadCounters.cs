namespace Cpworker.Engine.Capture;

/// <summary>The capture counters of one capture thread (one handle); written by that thread only, read anywhere.</summary>
internal sealed class CaptureThreadCounters
{
    /// <summary>Packets captured (delivered by the source, including ones too short for any output).</summary>
    public long Packets;

    /// <summary>Bytes captured (caplen).</summary>
    public long Bytes;

    /// <summary>Kernel drops (buffer full), from <c>pcap_stats</c>.</summary>
    public long KernelDrops;

    /// <summary>Interface drops, from <c>pcap_stats</c>.</summary>
    public long InterfaceDrops;

    /// <summary>A copy for reporting.</summary>
    public CaptureCounterSnapshot Snapshot() => new(
        Volatile.Read(ref Packets),
        Volatile.Read(ref Bytes),
        Volatile.Read(ref KernelDrops),
        Volatile.Read(ref InterfaceDrops));
}
