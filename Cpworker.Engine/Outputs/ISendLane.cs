namespace Cpworker.Engine.Outputs;

/// <summary>
/// The path from an output's encoder to its transport. The scheduler decides what it is: a direct
/// call on the same thread (rtc) or a queue to the output's sender thread (pipeline).
/// </summary>
/// <remarks>Called only from the encoder's thread.</remarks>
public interface ISendLane
{
    /// <summary>
    /// An empty buffer, owned by the caller until <see cref="Submit"/> or <see cref="Return"/>;
    /// null when none is free (the output is congested: drop and count, never allocate).
    /// </summary>
    SendBuffer? TryRent();

    /// <summary>Hands a filled buffer to the transport. The buffer is no longer the caller's.</summary>
    void Submit(SendBuffer buffer);

    /// <summary>Gives back a rented buffer that holds nothing to send.</summary>
    void Return(SendBuffer buffer);
}
