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
    /// <summary>Sends or writes the buffer's content.</summary>
    public abstract void Send(SendBuffer buffer);

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
    }
}
