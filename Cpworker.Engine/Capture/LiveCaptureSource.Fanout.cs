using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>Joining a <see cref="FanoutGroup"/> without delivering a packet twice.</summary>
internal sealed unsafe partial class LiveCaptureSource
{
    /// <summary>A filter no packet passes (every frame is longer than 0 bytes).</summary>
    private const string RejectAll = "less 0";

    /// <summary>
    /// Capture thread, inside the netns, handle open with <see cref="RejectAll"/> installed:
    /// discards what the handle took in before that filter (every flow of the interface), joins the
    /// group and keeps <paramref name="filter"/> for <see cref="BeginDelivery"/>.
    /// </summary>
    private void JoinFanout(string? filter)
    {
        DiscardReady();
        string? error = _fanout!.Join(_fd);
        if (error is not null)
        {
            throw new CaptureException($"cannot join the capture threads of {Where} in one fanout group: {error}");
        }

        _deferredFilter = filter;
        _deliveryDeferred = true;
    }

    /// <summary>Reads and drops every frame the handle holds now (libpcap filters those in userland with the new filter).</summary>
    private void DiscardReady()
    {
        nint header = 0;
        nint data = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            int rc = _device!.GetNextPacketPointers(ref header, ref data);
            if (rc == 0)
            {
                return;
            }

            if (rc < 0)
            {
                throw Failed(rc);
            }
        }
    }
}
