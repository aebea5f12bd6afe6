using System.Globalization;

namespace Cpworker.Benchmarks.Blast;

/// <summary>What a blast did.</summary>
/// <param name="Frames">Frames handed to the kernel.</param>
/// <param name="Bytes">Their bytes.</param>
/// <param name="Seconds">Wall time, the final drain included.</param>
/// <param name="CpuSeconds">CPU time of the process over the run (user + system: the kernel's transmit work is in it).</param>
/// <param name="RingFull">Times every slot was still the kernel's.</param>
/// <param name="KickErrors">Kicks that reported a full device or send buffer.</param>
/// <param name="RequestedPps">The rate asked for; 0 = top speed.</param>
internal sealed record BlastResult(long Frames, long Bytes, double Seconds, double CpuSeconds, long RingFull, long KickErrors, long RequestedPps)
{
    /// <summary>Frames per second achieved.</summary>
    public double Pps => Seconds > 0 ? Frames / Seconds : 0;

    /// <summary>The one line the harness parses.</summary>
    public string Line() => string.Create(
        CultureInfo.InvariantCulture,
        $"blast: sent {Frames} frames, {Bytes} bytes in {Seconds:F3} s: {Pps:F0} pps, {Bytes * 8 / Seconds / 1e6:F0} Mbit/s; cpu {CpuSeconds:F3} s; requested {(RequestedPps == 0 ? "top" : RequestedPps.ToString(CultureInfo.InvariantCulture))}; ring full {RingFull}, kick errors {KickErrors}");
}
