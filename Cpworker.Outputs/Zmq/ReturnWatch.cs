namespace Cpworker.Outputs.Zmq;

/// <summary>
/// Waits for one message buffer to come back to <see cref="NetMqBufferPool"/>: NetMQ returns a
/// message's buffer once its encoder has handed the last byte to the TCP connection. Reused for
/// every send of one transport.
/// </summary>
internal sealed class ReturnWatch : IDisposable
{
    private readonly ManualResetEventSlim _returned = new(true);

    /// <summary>True once the watched buffer came back (or nothing is watched).</summary>
    public bool IsReturned => _returned.IsSet;

    /// <summary>Arms the watch for a new buffer.</summary>
    public void Reset() => _returned.Reset();

    /// <summary>The buffer came back; called from NetMQ's I/O thread, which must never see an exception from us.</summary>
    public void Signal()
    {
        try
        {
            _returned.Set();
        }
        catch (ObjectDisposedException)
        {
            // The transport closed meanwhile: nobody waits any more.
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/>; true when the buffer came back.</summary>
    public bool Wait(TimeSpan timeout) => _returned.Wait(timeout);

    /// <inheritdoc/>
    public void Dispose() => _returned.Dispose();
}
