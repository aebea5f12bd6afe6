namespace Cpworker.Engine.Capture;

/// <summary>What <see cref="PcapngReader.Next"/> found at the start of the bytes it was given.</summary>
internal enum PcapngStep
{
    /// <summary>The block is not complete in the bytes given; read more (or the file is truncated).</summary>
    NeedMore,

    /// <summary>A block without packets (section header, statistics, name resolution, unknown); skip its length, which may lie beyond the bytes given.</summary>
    Skip,

    /// <summary>An interface description block: a new interface exists (its index is the interface count minus one).</summary>
    Interface,

    /// <summary>A packet block: the packet is described.</summary>
    Packet,

    /// <summary>The file is damaged or unsupported here; the reason is given.</summary>
    Damaged,
}
