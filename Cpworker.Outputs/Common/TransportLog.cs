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

    /// <summary>A file could not be written (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 508, Level = LogLevel.Error, Message = "{Output}: {What}: {Reason}; {Lost} packets lost so far, retrying with a new file (logged at most once a minute)")]
    public static partial void WriteFailed(ILogger logger, string output, string what, string reason, long lost);

    /// <summary>A GRE or VXLAN datagram could not be sent (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 509, Level = LogLevel.Warning, Message = "{Output}: sending to {Destination} failed: {Error}; the datagram is dropped ({Failed} failed datagrams so far)")]
    public static partial void SendFailed(ILogger logger, string output, IPEndPoint destination, string error, long failed);
}
