namespace Cpworker.Outputs.File;

/// <summary><c>timestamp_precision</c> of a pcap file (docs/files.md, "Timestamp precision").</summary>
internal enum TimestampPrecision
{
    /// <summary>Microseconds, magic <c>0xA1B2C3D4</c>.</summary>
    Micro,

    /// <summary>Nanoseconds, magic <c>0xA1B23C4D</c>.</summary>
    Nano,
}
