using System.Runtime.InteropServices;

namespace Cpworker.Engine.Packets;

/// <summary>Where one packet lies inside its <see cref="PacketBatch"/> and what is known about it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PacketDescriptor
{
    /// <summary>Capture time, nanoseconds since the Unix epoch.</summary>
    public long TimestampNanos;

    /// <summary>Offset of the frame's first byte in the batch's data block.</summary>
    public int Offset;

    /// <summary>Bytes captured (the frame's length in the batch).</summary>
    public int CaptureLength;

    /// <summary>Length of the packet on the wire.</summary>
    public int OriginalLength;

    /// <summary>Set by the classify stage; <see cref="PacketDirection.NotChecked"/> until then.</summary>
    public PacketDirection Direction;
}
