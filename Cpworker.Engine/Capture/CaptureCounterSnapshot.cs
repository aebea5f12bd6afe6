namespace Cpworker.Engine.Capture;

/// <summary>A task's capture counters at one moment.</summary>
/// <param name="Packets">Packets captured.</param>
/// <param name="Bytes">Bytes captured.</param>
/// <param name="KernelDrops">Packets the kernel dropped because the capture buffer was full.</param>
/// <param name="InterfaceDrops">Packets the interface dropped.</param>
public readonly record struct CaptureCounterSnapshot(long Packets, long Bytes, long KernelDrops, long InterfaceDrops)
{
    /// <summary>Sum of two snapshots.</summary>
    public static CaptureCounterSnapshot operator +(CaptureCounterSnapshot a, CaptureCounterSnapshot b) =>
        new(a.Packets + b.Packets, a.Bytes + b.Bytes, a.KernelDrops + b.KernelDrops, a.InterfaceDrops + b.InterfaceDrops);
}
