using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Tests.Network;

/// <summary>pipeline: the transport runs on its own sender thread behind a queue.</summary>
public sealed class QueuedLaneContractTests : LaneContractTests
{
    private QueuedSendLane? _lane;
    private Thread? _sender;

    private protected override ISendLane Attach(OutputParts parts)
    {
        _lane = new QueuedSendLane(parts.PipelineBuffers, parts.BufferBytes, parts.MaxMessages, waitWhenCongested: true, aborted: () => false);
        parts.Encoder.Attach(_lane);
        QueuedSendLane lane = _lane;
        _sender = new Thread(() =>
        {
            while (true)
            {
                SendBuffer? b = lane.TakeWork(50);
                if (b is not null)
                {
                    parts.Transport.Deliver(b);
                    lane.Return(b);
                }
                else if (lane.IsDrained)
                {
                    break;
                }
                else
                {
                    parts.Transport.OnTick();
                }
            }

            parts.Transport.Close();
        })
        { IsBackground = true, Name = "test-sender" };
        _sender.Start();
        return _lane;
    }

    private protected override void Finish(OutputParts parts)
    {
        _lane!.Complete();
        Assert.That(_sender!.Join(TimeSpan.FromSeconds(30)), Is.True, "the sender thread drains and ends");
        Assert.That(_lane.FreeBuffers, Is.EqualTo(_lane.BufferCount), "every buffer came back");
        _lane.Dispose();
    }
}
