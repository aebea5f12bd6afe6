namespace Cpworker.Engine.Outputs;

/// <summary>
/// An encoder that fills one <see cref="SendBuffer"/> at a time: <see cref="Reserve"/> rents a buffer
/// when none is held and submits the current one first when the next record would not fit;
/// <see cref="SubmitCurrent"/> hands a buffer with content to the transport; <see cref="Flush"/>
/// submits what is left and gives an empty buffer back. Subclasses write their format only.
/// </summary>
/// <remarks>
/// Runs on the encoder's thread only; allocates nothing. The current buffer is this encoder's own
/// from <see cref="ISendLane.TryRent"/> until <see cref="ISendLane.Submit"/> or
/// <see cref="ISendLane.Return"/>; it is kept between batches while it holds nothing.
/// </remarks>
public abstract class BufferedEncoder : OutputEncoder
{
    /// <summary>The buffer being filled; null when none is rented.</summary>
    private SendBuffer? _current;

    /// <summary>The buffer being filled; null when none is rented. Write only after a successful <see cref="Reserve"/>.</summary>
    protected SendBuffer? Current => _current;

    /// <summary>
    /// The current buffer, with at least <paramref name="bytes"/> free bytes and
    /// <paramref name="messages"/> free datagram slots; submits the current buffer first when it has
    /// no room, and rents one when none is held. Null when no buffer is free (the output is
    /// congested) or when the record is larger than a whole buffer: the caller drops the packet.
    /// </summary>
    protected SendBuffer? Reserve(int bytes, int messages = 0)
    {
        SendBuffer? buffer = _current;
        if (buffer is not null && !Fits(buffer, bytes, messages))
        {
            if (!HasContent(buffer))
            {
                return null; // an empty buffer has all the room there is: the record can never fit
            }

            SubmitCurrent();
            buffer = null;
        }

        if (buffer is null)
        {
            buffer = Lane.TryRent();
            if (buffer is null)
            {
                return null;
            }

            _current = buffer;
            OnRented(buffer);
            if (!Fits(buffer, bytes, messages))
            {
                return null;
            }
        }

        return buffer;
    }

    /// <summary>Hands the current buffer to the transport when it holds content; keeps an empty one.</summary>
    protected void SubmitCurrent()
    {
        SendBuffer? buffer = _current;
        if (buffer is null || !HasContent(buffer))
        {
            return;
        }

        OnSubmitting(buffer);
        _current = null;
        Lane.Submit(buffer);
    }

    /// <summary>Submits the current buffer when it holds content, else gives it back to the lane.</summary>
    public override void Flush()
    {
        SendBuffer? buffer = _current;
        if (buffer is null)
        {
            return;
        }

        if (HasContent(buffer))
        {
            SubmitCurrent();
        }
        else
        {
            _current = null;
            Lane.Return(buffer);
        }
    }

    /// <summary>True when <paramref name="buffer"/> holds something to send (default: any byte, datagram or packet).</summary>
    protected virtual bool HasContent(SendBuffer buffer) => !buffer.IsEmpty;

    /// <summary>Called when a buffer has just been rented, before anything is written (room for a header).</summary>
    protected virtual void OnRented(SendBuffer buffer)
    {
    }

    /// <summary>Called just before a buffer with content is submitted (complete a header).</summary>
    protected virtual void OnSubmitting(SendBuffer buffer)
    {
    }

    private static bool Fits(SendBuffer buffer, int bytes, int messages) =>
        buffer.Free.Length >= bytes && buffer.MaxMessages - buffer.MessageCount >= messages;
}
