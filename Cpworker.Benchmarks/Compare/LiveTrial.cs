namespace Cpworker.Benchmarks.Compare;

/// <summary>One live trial: tcpreplay at one rate into the daemon with one model and capture buffer.</summary>
internal sealed record LiveTrial
{
    /// <summary><c>rtc</c> or <c>pipeline</c>.</summary>
    public required string Model { get; init; }

    /// <summary><c>libpcap.buffer_size_mb</c>.</summary>
    public int BufferMb { get; init; }

    /// <summary>The rate asked of tcpreplay; 0 = top speed.</summary>
    public int RequestedPps { get; init; }

    /// <summary>The rate tcpreplay reports it reached.</summary>
    public double AchievedPps { get; init; }

    /// <summary>Packets tcpreplay sent successfully.</summary>
    public long Sent { get; init; }

    /// <summary>Packets the daemon captured.</summary>
    public long Captured { get; init; }

    /// <summary>Kernel drops the daemon's capture reported.</summary>
    public long KernelDrops { get; init; }

    /// <summary>Error drops of the output (congestion).</summary>
    public long ErrorDrops { get; init; }

    /// <summary>Why the trial failed; null when it ran.</summary>
    public string? Error { get; init; }

    /// <summary>Packets sent that the daemon did not capture.</summary>
    public long Missing => Math.Max(0, Sent - Captured);

    /// <summary>True when nothing was lost anywhere.</summary>
    public bool ZeroLoss => Error is null && Sent > 0 && KernelDrops == 0 && Missing == 0 && ErrorDrops == 0;
}
