namespace Cpworker.Benchmarks.Soak;

/// <summary>One look at the daemon during a soak.</summary>
/// <param name="Minutes">Time since traffic started.</param>
/// <param name="RssKb">Resident set (VmRSS), kB.</param>
/// <param name="Threads">Threads of the process.</param>
/// <param name="Fds">Open file descriptors.</param>
/// <param name="Captured">Packets captured since start (collect_stats_summary).</param>
/// <param name="Forwarded">Packets forwarded, all outputs.</param>
/// <param name="ErrorDrops">Packets dropped on errors, all outputs.</param>
/// <param name="KernelDrops">Packets the kernel dropped.</param>
/// <param name="Received">Datagrams the loopback VXLAN receiver got.</param>
/// <param name="Files">Complete rotated files on disk.</param>
internal sealed record SoakSample(
    double Minutes, long RssKb, int Threads, int Fds, long Captured, long Forwarded, long ErrorDrops, long KernelDrops, long Received, int Files);
