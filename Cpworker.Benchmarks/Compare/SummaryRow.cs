namespace Cpworker.Benchmarks.Compare;

/// <summary>The medians of one configuration's runs, with its ratios to the references.</summary>
internal sealed record SummaryRow
{
    /// <summary><c>cpworker</c>, <c>tcpdump</c> or <c>sendmmsg</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The output.</summary>
    public required string Output { get; init; }

    /// <summary>The model, <c>-</c> for a baseline.</summary>
    public required string Model { get; init; }

    /// <summary>Runs that worked.</summary>
    public int Runs { get; init; }

    /// <summary>Runs that failed (their errors are in the JSON).</summary>
    public int FailedRuns { get; init; }

    /// <summary>Median packets per second.</summary>
    public double PacketsPerSecond { get; init; }

    /// <summary>Median Mbit/s of frames.</summary>
    public double Mbps { get; init; }

    /// <summary>Median CPU seconds per million packets.</summary>
    public double CpuPerMillion { get; init; }

    /// <summary>Largest peak RSS of the runs, in MB; -1 when unknown.</summary>
    public double PeakRssMb { get; init; } = -1;

    /// <summary>Median bytes allocated per packet; -1 when unknown.</summary>
    public double AllocatedPerPacket { get; init; } = -1;

    /// <summary>Most drops (error + rate limit + kernel) of any run.</summary>
    public long MaxDrops { get; init; }

    /// <summary>Median packets/s relative to the same output's baseline tool in this run; null without one.</summary>
    public double? VersusBaseline { get; init; }

    /// <summary>Median packets/s relative to the C implementation's rtc figure; null without one.</summary>
    public double? VersusC { get; init; }

    /// <summary>For pipeline: median packets/s relative to rtc on the same output.</summary>
    public double? VersusRtc { get; init; }
}
