namespace Cpworker.Benchmarks.Compare;

/// <summary>One measured run: the daemon under one output and model, or a baseline tool.</summary>
internal sealed record RunResult
{
    /// <summary><c>cpworker</c>, <c>tcpdump</c> or <c>sendmmsg</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The output (for a baseline, the output it is the baseline of).</summary>
    public required string Output { get; init; }

    /// <summary><c>rtc</c>, <c>pipeline</c>, or <c>-</c> for a baseline.</summary>
    public required string Model { get; init; }

    /// <summary>Which run of the configuration (1-based).</summary>
    public int Run { get; init; }

    /// <summary>Packets replayed.</summary>
    public long Packets { get; init; }

    /// <summary>Frame bytes replayed.</summary>
    public long Bytes { get; init; }

    /// <summary>Duration of the replay (see the README for what is timed).</summary>
    public double Seconds { get; init; }

    /// <summary>CPU time of the process over the replay (all threads, user + system).</summary>
    public double CpuSeconds { get; init; }

    /// <summary>Peak resident set of the process in kB (VmHWM); -1 when unknown.</summary>
    public long PeakRssKb { get; init; } = -1;

    /// <summary>Bytes the daemon allocated during the replay; -1 when unknown.</summary>
    public long AllocatedBytes { get; init; } = -1;

    /// <summary>Gen0 collections during the replay.</summary>
    public int Gen0Collections { get; init; }

    /// <summary>Packets forwarded by the output.</summary>
    public long Forwarded { get; init; }

    /// <summary>Error drops (send failures, congestion, unencodable).</summary>
    public long ErrorDrops { get; init; }

    /// <summary>Rate-limit drops.</summary>
    public long RateLimitDrops { get; init; }

    /// <summary>Kernel (capture buffer) drops.</summary>
    public long KernelDrops { get; init; }

    /// <summary>What the loopback receiver got (datagrams or messages); -1 without one.</summary>
    public long Received { get; init; } = -1;

    /// <summary>Why the run failed; null when it worked.</summary>
    public string? Error { get; init; }

    /// <summary>Packets per second.</summary>
    public double PacketsPerSecond => Seconds > 0 ? Packets / Seconds : 0;

    /// <summary>Megabits of frames per second.</summary>
    public double Mbps => Seconds > 0 ? Bytes * 8 / Seconds / 1e6 : 0;

    /// <summary>CPU seconds per million packets.</summary>
    public double CpuPerMillion => Packets > 0 ? CpuSeconds / (Packets / 1e6) : 0;

    /// <summary>Allocated bytes per packet; -1 when unknown.</summary>
    public double AllocatedPerPacket => AllocatedBytes < 0 || Packets == 0 ? -1 : (double)AllocatedBytes / Packets;

    /// <summary>Every drop the engine counted.</summary>
    public long Drops => ErrorDrops + RateLimitDrops + KernelDrops;
}
