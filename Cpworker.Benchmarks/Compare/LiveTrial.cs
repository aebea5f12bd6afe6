namespace Cpworker.Benchmarks.Compare;

/// <summary>One live trial: the generator at one rate into one capturing subject for a fixed time.</summary>
internal sealed record LiveTrial
{
    /// <summary>What captured.</summary>
    public required LiveSubject Subject { get; init; }

    /// <summary>Round of the search (0 = top speed).</summary>
    public int Round { get; init; }

    /// <summary>The rate asked of the generator; 0 = top speed.</summary>
    public long RequestedPps { get; init; }

    /// <summary>Packets the capture interface received in the trial (its <c>rx_packets</c>): what was offered to the capture.</summary>
    public long Offered { get; init; }

    /// <summary><see cref="Offered"/> over the generator's running time.</summary>
    public double OfferedPps { get; init; }

    /// <summary>The rate the generator reports.</summary>
    public double GeneratorPps { get; init; }

    /// <summary>CPU seconds of the generator over the trial.</summary>
    public double GeneratorCpuSeconds { get; init; }

    /// <summary>CPU seconds of the capturing process over the trial (from its start; -1 when unknown).</summary>
    public double CaptureCpuSeconds { get; init; }

    /// <summary>Peak resident set of the capturing process, kB (cpworker's run-finished line; -1 when unknown).</summary>
    public long PeakRssKb { get; init; } = -1;

    /// <summary>Capture CPU seconds per million packets captured; 0 when unknown.</summary>
    public double CpuSecondsPerMillion => Captured > 0 && CaptureCpuSeconds > 0 ? CaptureCpuSeconds / (Captured / 1e6) : 0;

    /// <summary>Seconds the generator ran.</summary>
    public double Seconds { get; init; }

    /// <summary>Packets the subject counted as captured (written, for the tools).</summary>
    public long Captured { get; init; }

    /// <summary>Kernel drops the subject reported (<c>pcap_stats</c>).</summary>
    public long KernelDrops { get; init; }

    /// <summary>Packets lost after capture (cpworker's error drops).</summary>
    public long ErrorDrops { get; init; }

    /// <summary>1-minute load average when the trial ended.</summary>
    public string Load { get; init; } = "";

    /// <summary>Why the trial failed; null when it ran.</summary>
    public string? Error { get; init; }

    /// <summary>Packets offered that the subject did not capture.</summary>
    public long Missing => Math.Max(0, Offered - Captured);

    /// <summary>True when nothing was lost anywhere.</summary>
    public bool ZeroLoss => Error is null && Offered > 0 && KernelDrops == 0 && Missing == 0 && ErrorDrops == 0;
}
