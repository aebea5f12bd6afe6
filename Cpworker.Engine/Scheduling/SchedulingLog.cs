using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>The schedulers' and the task graph's log messages (event ids 200–299).</summary>
internal static partial class SchedulingLog
{
    /// <summary>The kernel's capture counters could not be read; the last values stay.</summary>
    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "{Task}: reading capture statistics failed")]
    public static partial void CaptureStatsFailed(ILogger logger, Exception exception, string task);

    /// <summary>A reload changed the outputs and the capture filter with them.</summary>
    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "{Task}: capture filter updated for the new outputs: {Filter}")]
    public static partial void FilterUpdated(ILogger logger, string task, string filter);

    /// <summary>The new loop-guard filter could not be installed; the old one stays.</summary>
    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "{Task}: cannot apply the new loop guard, keeping the old filter: {Reason}")]
    public static partial void LoopGuardKept(ILogger logger, string task, string reason);

    /// <summary>The pipeline's encapsulation thread failed; the task fails with it.</summary>
    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "{Task}: encapsulation stage failed")]
    public static partial void EncapsulationFailed(ILogger logger, Exception exception, string task);

    /// <summary>An isolated output's thread overran the stop.</summary>
    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "{Task}: a custom output is still busy after the stop; its thread is left to finish")]
    public static partial void CustomOutputStillBusy(ILogger logger, string task);

    /// <summary>The capture loop has ended.</summary>
    [LoggerMessage(EventId = 205, Level = LogLevel.Debug, Message = "{Task}: capture stopped")]
    public static partial void CaptureStopped(ILogger logger, string task);

    /// <summary>cpu_affinity named a CPU the thread cannot run on; it runs unpinned.</summary>
    [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "{Task}: cannot pin the {Role} thread to CPU {Cpu}: {Error}")]
    public static partial void PinFailed(ILogger logger, string task, string role, int cpu, string error);

    /// <summary>A packet thread ended with an exception; the task fails.</summary>
    [LoggerMessage(EventId = 207, Level = LogLevel.Critical, Message = "{Task}: {Role} thread failed")]
    public static partial void ThreadFailed(ILogger logger, Exception exception, string task, string role);

    /// <summary>An output's periodic work threw.</summary>
    [LoggerMessage(EventId = 208, Level = LogLevel.Error, Message = "{Output}: tick failed: {Reason}")]
    public static partial void TickFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>An output's transport could not be closed (flush, rename).</summary>
    [LoggerMessage(EventId = 209, Level = LogLevel.Error, Message = "{Output}: close failed: {Reason}")]
    public static partial void CloseFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>An output's transport threw on a send; the buffer's packets count as errors.</summary>
    [LoggerMessage(EventId = 210, Level = LogLevel.Error, Message = "{Output}: send failed: {Reason}")]
    public static partial void SendFailed(ILogger logger, Exception exception, string output, string reason);

    /// <summary>The cost of one run, for benchmarks (<c>log_level</c> DEBUG).</summary>
    [LoggerMessage(
        EventId = 211,
        Level = LogLevel.Debug,
        Message = "{Task}: run finished: {Packets} packets, {Bytes} bytes in {Seconds:F6} s, cpu {Cpu:F6} s, allocated {Allocated} B, gen0 GCs {Gen0}, peak RSS {PeakRssKb} kB; " +
            "kernel drops {KernelDrops}, interface drops {InterfaceDrops}; forwarded {Forwarded}, dropped: direction {Direction}, rate limit {RateLimit}, error {Error}")]
    public static partial void RunFinished(
        ILogger logger, string task, long packets, long bytes, double seconds, double cpu, long allocated, int gen0, long peakRssKb,
        long kernelDrops, long interfaceDrops, long forwarded, long direction, long rateLimit, long error);

    /// <summary>One capture thread's share of a run, when a task captures on several threads.</summary>
    [LoggerMessage(EventId = 212, Level = LogLevel.Debug, Message = "{Task}: capture thread {Thread}: {Packets} packets, {Bytes} bytes, kernel drops {KernelDrops}, interface drops {InterfaceDrops} (since the task started)")]
    public static partial void CaptureThreadFinished(ILogger logger, string task, int thread, long packets, long bytes, long kernelDrops, long interfaceDrops);
}
