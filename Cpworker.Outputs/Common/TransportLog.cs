using System.Net;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.Common;

/// <summary>The standard outputs' transport log messages (event ids 500–599).</summary>
internal static partial class TransportLog
{
    /// <summary>rotating_file created its missing <c>file_root</c>.</summary>
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "{Output}: created file_root {Root}")]
    public static partial void FileRootCreated(ILogger logger, string output, string root);

    /// <summary>rotating_file opened a new <c>.part</c> file.</summary>
    [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "{Output}: writing {Path}")]
    public static partial void Writing(ILogger logger, string output, string path);

    /// <summary>rotating_file completed (renamed) a file.</summary>
    [LoggerMessage(EventId = 502, Level = LogLevel.Debug, Message = "{Output}: completed {Path} ({Packets} packets)")]
    public static partial void Completed(ILogger logger, string output, string path, long packets);

    /// <summary>rotating_file completed a <c>.part</c> file an earlier run left behind.</summary>
    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "{Output}: completed {Path}, left unfinished by a run that did not stop cleanly ({Cut} bytes of a torn last record removed)")]
    public static partial void CompletedLeftover(ILogger logger, string output, string path, long cut);

    /// <summary>A ZeroMQ batch could not be sent (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "{Output}: batch to {Endpoint} dropped: {Reason} ({Failed} batches dropped so far)")]
    public static partial void BatchDropped(ILogger logger, Exception? exception, string output, string endpoint, string reason, long failed);

    /// <summary>file moved an existing file aside instead of overwriting it.</summary>
    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "{Output}: renamed the existing {Path} to {Target}")]
    public static partial void RenamedExisting(ILogger logger, string output, string path, string target);

    /// <summary>The file being written disappeared (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 506, Level = LogLevel.Warning, Message = "{Output}: {Path} was removed or moved while being written; continuing in a new file")]
    public static partial void FileRemoved(ILogger logger, string output, string path);

    /// <summary>Writing works again after failures.</summary>
    [LoggerMessage(EventId = 507, Level = LogLevel.Information, Message = "{Output}: writing again, to {Path}; {Lost} packets were lost")]
    public static partial void WritingAgain(ILogger logger, string output, string path, long lost);

    /// <summary>A file could not be written (logged when a spell of failures starts, then at most once a minute).</summary>
    [LoggerMessage(EventId = 508, Level = LogLevel.Error, Message = "{Output}: {What}: {Reason}; {Lost} packets lost so far, retrying with a new file (logged when a spell of failures starts, then at most once a minute)")]
    public static partial void WriteFailed(ILogger logger, string output, string what, string reason, long lost);

    /// <summary>A GRE or VXLAN datagram could not be sent (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 509, Level = LogLevel.Warning, Message = "{Output}: sending to {Destination} failed: {Error}; the datagram is dropped ({Failed} failed datagrams so far)")]
    public static partial void SendFailed(ILogger logger, string output, IPEndPoint destination, string error, long failed);

    /// <summary>A file an earlier failure left unfinished could not be completed at stop.</summary>
    [LoggerMessage(EventId = 510, Level = LogLevel.Error, Message = "{Output}: {Path} could not be completed and stays as it is; the next start completes it")]
    public static partial void LeftIncomplete(ILogger logger, string output, string path);

    /// <summary>A file an earlier failure left unfinished is completed now.</summary>
    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "{Output}: completed {Path}, which an earlier failure had left unfinished")]
    public static partial void CompletedLater(ILogger logger, string output, string path);

    /// <summary><c>send_path auto</c> cannot use the packet ring.</summary>
    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "{Output}: send_path auto uses the socket path: {Reason}")]
    public static partial void SocketPathChosen(ILogger logger, string output, string reason);

    /// <summary>The packet ring sends to a resolved next hop.</summary>
    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "{Output}: packet ring to {Destination}: {Hop}")]
    public static partial void RingPath(ILogger logger, string output, object destination, object hop);

    /// <summary>The next hop cannot be used by the ring; the socket path sends.</summary>
    [LoggerMessage(EventId = 514, Level = LogLevel.Information, Message = "{Output}: socket path to {Destination}: next hop {Status}")]
    public static partial void SocketPath(ILogger logger, string output, object destination, object status);

    /// <summary>The packet ring failed to send (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 515, Level = LogLevel.Warning, Message = "{Output}: packet ring to {Destination}: {Error}; datagrams dropped ({Failed} failed so far)")]
    public static partial void RingSendFailed(ILogger logger, string output, object destination, string error, long failed);
}
