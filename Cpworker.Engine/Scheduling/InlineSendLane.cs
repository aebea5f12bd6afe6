using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// rtc: the encoder's buffer goes straight to the transport on the same thread, and is free again
/// when <see cref="Submit"/> returns. One buffer is all an output needs.
/// </summary>
internal sealed class InlineSendLane : ISendLane
{
    private readonly OutputTransport _transport;

    /// <summary>The single buffer; null while the encoder holds it.</summary>
    private SendBuffer? _free;

    /// <summary>Creates a lane with one buffer of the output's shape.</summary>
    public InlineSendLane(OutputTransport transport, int bufferBytes, int maxMessages)
    {
        _transport = transport;
        _free = new SendBuffer(bufferBytes, maxMessages);
    }

    /// <inheritdoc/>
    public SendBuffer? TryRent()
    {
        SendBuffer? b = _free;
        _free = null;
        return b;
    }

    /// <inheritdoc/>
    public void Submit(SendBuffer buffer)
    {
        try
        {
            _transport.Deliver(buffer);
        }
        finally
        {
            buffer.Reset();
            _free = buffer;
        }
    }

    /// <inheritdoc/>
    public void Return(SendBuffer buffer)
    {
        buffer.Reset();
        _free = buffer;
    }
}
