namespace Cpworker.Outputs.Common;

/// <summary>How the file outputs size their send buffers.</summary>
internal static class PcapFileBuffers
{
    /// <summary>Buffers in flight under the pipeline model: 8 MiB absorbs a disk stall of tens of milliseconds at 1 Gbit/s.</summary>
    public const int PipelineBuffers = 8;

    /// <summary>Usual buffer size: one <c>pwrite</c> per MiB keeps the system-call cost negligible.</summary>
    private const int DefaultBufferBytes = 1 << 20;

    /// <summary>Bytes per buffer: 1 MiB, or more when one record of <paramref name="snaplen"/> would not fit.</summary>
    public static int BufferBytes(int snaplen) =>
        Math.Max(DefaultBufferBytes, PcapRecordEncoder.RecordLength(snaplen));
}
