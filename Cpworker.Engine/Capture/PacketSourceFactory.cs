using Cpworker.Engine.Configuration;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Capture;

/// <summary>Creates the source a task's <c>capturer</c> describes.</summary>
internal static class PacketSourceFactory
{
    /// <summary>
    /// A source for <paramref name="config"/>, not yet opened. <paramref name="loopGuardFilter"/>
    /// is the BPF expression matching every output's traffic (null when the loop guard is off);
    /// the source combines it with the user's <c>bpf</c> as <c>(bpf) and not (guard)</c>.
    /// The caller decides where the guard applies (replays run without it: docs/loop-guard.md,
    /// "Turning it off"). <paramref name="taskName"/> prefixes the source's log lines (<c>{task}: end of file</c>);
    /// without it the interface or file name is used.
    /// </summary>
    public static PacketSource Create(CaptureConfig config, string? loopGuardFilter, ILogger logger, TimeProvider time, string? taskName = null) =>
        config switch
        {
            LibpcapCaptureConfig live => new LiveCaptureSource(live, loopGuardFilter, logger, taskName ?? live.Interface),
            PcapFileCaptureConfig file => new PcapFileSource(file, loopGuardFilter, logger, taskName ?? file.FileName, time),
            _ => throw new CaptureException($"capturer {config.GetType().Name} is not supported"),
        };
}
