namespace Cpworker.Engine.Capture;

/// <summary>Drop counters of the kernel and the interface, as libpcap's <c>pcap_stats</c> reports them, widened to 64 bits.</summary>
/// <param name="Dropped">Packets dropped because the capture buffer was full.</param>
/// <param name="InterfaceDropped">Packets dropped by the interface or its driver.</param>
internal readonly record struct KernelCaptureStats(long Dropped, long InterfaceDropped);
