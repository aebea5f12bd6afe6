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
    /// </summary>
    public static PacketSource Create(CaptureConfig config, string? loopGuardFilter, ILogger logger, TimeProvider time) =>
        throw new NotImplementedException("capture sources are built in the capture work item");
}
