namespace Cpworker.Engine.Outputs;

/// <summary>
/// The sending half of an output: writes submitted <see cref="SendBuffer"/>s to a socket or file.
/// May block (a disk write); failures are counted in <see cref="OutputCounters.Sender"/>, logged
/// at most once a minute, and never thrown.
/// </summary>
/// <remarks>
/// Called from one thread at a time: the capture thread under rtc, the output's own sender thread
/// under pipeline. The buffer passed to <see cref="Send"/> is borrowed for the call only.
/// </remarks>
public abstract class OutputTransport : IDisposable
{
    /// <summary>Where <see cref="Deliver"/> settles packets; null until the output's stage wires it.</summary>
    private OutputCounters.SenderSide? _settle;

    /// <summary>Sends or writes the buffer's content; counts what fails in <see cref="OutputCounters.SenderSide"/>.</summary>
    public abstract void Send(SendBuffer buffer);

    /// <summary>Makes <see cref="Deliver"/> settle packets into <paramref name="counters"/>. Called once, when the output's stage is built.</summary>
    public void SettleInto(OutputCounters.SenderSide counters) => _settle = counters;

    /// <summary>
    /// <see cref="Send"/>, then settles the buffer's packets: their fate is known now, so those the
    /// transport did not count as errors during the call are forwarded. Forwarded is thus only ever
    /// added to, never taken back (docs/operations.md, "Counters"). A <see cref="Send"/> that throws
    /// loses the packets it did not count: they become errors, and the exception goes on.
    /// </summary>
    public void Deliver(SendBuffer buffer)
    {
        OutputCounters.SenderSide? c = _settle;
        if (c is null)
        {
            Send(buffer);
            return;
        }

        long errors = c.ErrorPackets;
        long errorBytes = c.ErrorBytes;
        bool sent = false;
        try
        {
            Send(buffer);
            sent = true;
        }
        finally
        {
            long failed = c.ErrorPackets - errors;
            long failedBytes = c.ErrorBytes - errorBytes;
            if (sent)
            {
                c.Settle(buffer.PacketCount - failed, buffer.PacketBytes - failedBytes);
            }
            else
            {
                c.Fail(buffer.PacketCount - failed, buffer.PacketBytes - failedBytes);
            }
        }
    }

    /// <summary>Called at least every 100 ms, also without traffic (file rotation when idle).</summary>
    public virtual void OnTick()
    {
    }

    /// <summary>Finishes: flushes and closes (renames <c>.part</c> files). Called once, after the last <see cref="Send"/>.</summary>
    public virtual void Close()
    {
    }

    /// <inheritdoc/>
    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
