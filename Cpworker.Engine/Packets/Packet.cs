namespace Cpworker.Engine.Packets;

/// <summary>One captured Ethernet frame as an output sees it.</summary>
/// <remarks>
/// The frame memory belongs to the engine and is only valid during the call that received it;
/// an output that needs the bytes later copies them.
/// </remarks>
public readonly ref struct Packet
{
    /// <summary>Creates a view of one packet.</summary>
    public Packet(ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction)
    {
        Frame = frame;
        OriginalLength = originalLength;
        TimestampNanos = timestampNanos;
        Direction = direction;
    }

    /// <summary>The frame, starting with its Ethernet header, after the output's slice.</summary>
    public ReadOnlySpan<byte> Frame { get; }

    /// <summary>The packet's length on the wire (may exceed <see cref="Frame"/>'s length).</summary>
    public int OriginalLength { get; }

    /// <summary>Capture time in nanoseconds since the Unix epoch.</summary>
    public long TimestampNanos { get; }

    /// <summary>The direction the task's <c>req_pattern</c> gave the packet.</summary>
    public PacketDirection Direction { get; }

    /// <summary>Whole seconds of the capture time.</summary>
    public long Seconds => TimestampNanos / 1_000_000_000;

    /// <summary>Nanoseconds within <see cref="Seconds"/>.</summary>
    public int Nanoseconds => (int)(TimestampNanos % 1_000_000_000);
}
