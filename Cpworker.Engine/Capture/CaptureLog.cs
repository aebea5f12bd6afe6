using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Capture;

/// <summary>The capture sources' log messages (their text: docs/packet-path.md, "Replaying a file").</summary>
internal static partial class CaptureLog
{
    /// <summary>A replay has delivered its last packet.</summary>
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "{Task}: end of file")]
    public static partial void EndOfFile(ILogger logger, string task);

    /// <summary>A damaged record ends the replay; the records before it were delivered.</summary>
    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "{Task}: read pcap file error: {Reason}; skip the rest of the file")]
    public static partial void ReadError(ILogger logger, string task, string reason);

    /// <summary>A live capture is open.</summary>
    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "{Task}: capturing on {Interface} (link type {LinkType}, snaplen {Snaplen}, {Precision} timestamps, filter: {Filter})")]
    public static partial void LiveOpened(ILogger logger, string task, string @interface, int linkType, int snaplen, string precision, string filter);

    /// <summary>The ring reader's geometry.</summary>
    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "{Task}: ring reader: {Blocks} blocks of {BlockKiB} KiB, handed over when full or after {RetireMs} ms")]
    public static partial void RingOpened(ILogger logger, string task, int blocks, int blockKiB, int retireMs);
}
