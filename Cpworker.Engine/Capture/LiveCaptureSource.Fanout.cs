using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>Joining a <see cref="FanoutGroup"/> without delivering a packet twice.</summary>
internal sealed unsafe partial class LiveCaptureSource
{
    /// <summary>
    /// Capture thread, inside the netns, handle open with <see cref="InterfaceCaptureSource.RejectAll"/> installed:
    /// discards what the handle took in before that filter (every flow of the interface), joins the
    /// group and keeps <paramref name="filter"/> for <see cref="InterfaceCaptureSource.BeginDelivery"/>.
    /// </summary>
    private void JoinFanout(string? filter)
    {
        DiscardReady();
        string? error = _fanout!.Join(_fd);
        if (error is not null)
        {
            throw new CaptureException($"cannot join the capture threads of {Where} in one fanout group: {error}");
        }

        DeferDelivery(filter);
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
