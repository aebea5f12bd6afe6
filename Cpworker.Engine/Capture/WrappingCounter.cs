namespace Cpworker.Engine.Capture;

/// <summary>
/// Widens a 32-bit counter that wraps around (libpcap's <c>pcap_stat</c> fields) to 64 bits.
/// Correct as long as it is sampled at least once per 2^32 increments.
/// </summary>
internal struct WrappingCounter
{
    /// <summary>The last 32-bit value seen.</summary>
    private uint _last;

    /// <summary>The widened total.</summary>
    private long _total;

    /// <summary>The widened total.</summary>
    public readonly long Total => _total;

    /// <summary>Takes a new sample and returns the widened total.</summary>
    public long Update(uint value)
    {
        // Unsigned subtraction gives the increment across a wrap-around too.
        _total += (uint)(value - _last);
        _last = value;
        return _total;
    }
}
