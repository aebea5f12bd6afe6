namespace Cpworker.Engine.Capture;

/// <summary>A packet found by <see cref="PcapngReader"/>.</summary>
/// <param name="Interface">Index of its interface in the current section.</param>
/// <param name="LinkType">The interface's LINKTYPE.</param>
/// <param name="DataOffset">Where the frame starts, from the start of the block.</param>
/// <param name="CaptureLength">Bytes of the frame present.</param>
/// <param name="OriginalLength">Length of the frame on the wire.</param>
/// <param name="TimestampNanos">Capture time, nanoseconds since the epoch (0 for simple packet blocks, which have none).</param>
internal readonly record struct PcapngPacket(int Interface, int LinkType, int DataOffset, int CaptureLength, int OriginalLength, long TimestampNanos);
