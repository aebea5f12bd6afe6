using System.Runtime.InteropServices;

namespace Cpworker.Engine.Packets;

/// <summary>Where one packet lies inside its <see cref="PacketBatch"/> and what is known about it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PacketDescriptor
{
    /// <summary>Capture time, nanoseconds since the Unix epoch.</summary>
    public long TimestampNanos;

    /// <summary>
    /// Address of the frame's first byte: inside the batch's data block, or in memory the batch
    /// holds on loan until it is reset (a block of a capture ring: <see cref="IFrameLender"/>).
    /// </summary>
    public nint Address;

    /// <summary>Bytes captured (the frame's length in the batch).</summary>
    public int CaptureLength;

    /// <summary>Length of the packet on the wire.</summary>
    public int OriginalLength;

    /// <summary>Set by the classify stage; <see cref="PacketDirection.NotChecked"/> until then.</summary>
    public PacketDirection Direction;
}
