namespace Cpworker.Engine.Capture;

/// <summary>An interface of a pcapng section: its link type, snapshot length and timestamp resolution.</summary>
/// <param name="LinkType">LINKTYPE of its packets.</param>
/// <param name="Snaplen">Bytes kept per packet; 0 = no limit.</param>
/// <param name="BinaryResolution">True when a timestamp unit is 2^-<paramref name="ResolutionExponent"/> s, false for 10^-it.</param>
/// <param name="ResolutionExponent">The exponent of <c>if_tsresol</c> (6, microseconds, by default).</param>
/// <param name="OffsetSeconds"><c>if_tsoffset</c>: seconds added to every timestamp.</param>
internal readonly record struct PcapngInterface(int LinkType, int Snaplen, bool BinaryResolution, int ResolutionExponent, long OffsetSeconds)
{
    /// <summary>A timestamp of this interface (units since the epoch minus the offset) in nanoseconds, saturated to the range of a long.</summary>
    public long ToNanos(ulong units)
    {
        UInt128 ns;
        if (BinaryResolution)
        {
            ns = ((UInt128)units * 1_000_000_000UL) >> ResolutionExponent;
        }
        else if (ResolutionExponent <= 9)
        {
            ns = (UInt128)units * Pow10(9 - ResolutionExponent);
        }
        else
        {
            ns = (UInt128)(units / Pow10(ResolutionExponent - 9));
        }

        Int128 total = (Int128)ns + (Int128)OffsetSeconds * 1_000_000_000;
        return total > long.MaxValue ? long.MaxValue : total < long.MinValue ? long.MinValue : (long)total;
    }

    private static ulong Pow10(int e)
    {
        ulong p = 1;
        for (int i = 0; i < e; i++)
        {
            p *= 10;
        }

        return p;
    }
}
