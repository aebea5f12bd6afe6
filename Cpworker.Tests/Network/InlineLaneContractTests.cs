using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Tests.Network;

/// <summary>rtc: the transport runs inline on the encoder's thread.</summary>
public sealed class InlineLaneContractTests : LaneContractTests
{
    private protected override ISendLane Attach(OutputParts parts)
    {
        var lane = new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages);
        parts.Encoder.Attach(lane);
        return lane;
    }

    private protected override void Finish(OutputParts parts) => parts.Transport.Close();
}
