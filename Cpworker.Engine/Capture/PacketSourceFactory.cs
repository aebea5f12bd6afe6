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
    /// The guard applies to <c>pcap_file</c> too (behaviour §5 makes no exception): pass null to
    /// replay every record. <paramref name="taskName"/> prefixes the source's log lines (<c>{task}: end of file</c>);
    /// without it the interface or file name is used. A live source given <paramref name="fanout"/>
    /// joins that group (one of a task's capture threads).
    /// </summary>
    public static PacketSource Create(CaptureConfig config, string? loopGuardFilter, ILogger logger, TimeProvider time, string? taskName = null, FanoutGroup? fanout = null) =>
        config switch
        {
            LibpcapCaptureConfig live => new LiveCaptureSource(live, loopGuardFilter, logger, taskName ?? live.Interface, fanout),
            PcapFileCaptureConfig file => new PcapFileSource(file, loopGuardFilter, logger, taskName ?? file.FileName, time),
            _ => throw new CaptureException($"capturer {config.GetType().Name} is not supported"),
        };
}
