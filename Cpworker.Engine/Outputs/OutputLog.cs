using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Outputs;

/// <summary>The output stages' log messages (event ids 400–499).</summary>
internal static partial class OutputLog
{
    /// <summary>A custom output threw on a write; that buffer's packets are lost.</summary>
    [LoggerMessage(EventId = 400, Level = LogLevel.Error, Message = "{Output}: custom output failed, {Packets} packet(s) lost: {Reason}")]
    public static partial void CustomOutputFailed(ILogger logger, Exception exception, string output, int packets, string reason);

    /// <summary>A custom output threw on Dispose.</summary>
    [LoggerMessage(EventId = 401, Level = LogLevel.Error, Message = "{Output}: disposing the custom output failed: {Reason}")]
    public static partial void CustomOutputDisposeFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>An output's encoder threw (logged at most once a minute).</summary>
    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "{Output}: output failed: {Reason}")]
    public static partial void OutputFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>An output's final flush threw.</summary>
    [LoggerMessage(EventId = 403, Level = LogLevel.Error, Message = "{Output}: flush failed: {Reason}")]
    public static partial void FlushFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>The encoder refused packets (first refusal at once, then at most once a minute with the count since the last line).</summary>
    [LoggerMessage(EventId = 404, Level = LogLevel.Warning, Message = "{Output}: {Packets} packet(s) lost since the last report: the encoder refused them (a frame this format cannot carry, or no free send buffer because the transport is behind); counted as error drops")]
    public static partial void EncoderRefused(ILogger logger, string output, long packets);
}
