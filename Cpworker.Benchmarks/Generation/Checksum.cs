using System.Buffers.Binary;

namespace Cpworker.Benchmarks.Generation;

/// <summary>The Internet checksum (RFC 1071) of generated headers.</summary>
internal static class Checksum
{
    /// <summary>
    /// Adds <paramref name="data"/> as big-endian 16-bit words (an odd last byte padded with zero) to
    /// <paramref name="sum"/>; the result is folded to 16 bits.
    /// </summary>
    public static uint Add(uint sum, ReadOnlySpan<byte> data)
    {
        ulong s = sum;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            s += BinaryPrimitives.ReadUInt32BigEndian(data[i..]);
        }

        for (; i + 2 <= data.Length; i += 2)
        {
            s += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            s += (uint)data[i] << 8;
        }

        // Fold end-around carries into 16 bits (2^16 ≡ 1 modulo 0xFFFF), so callers can keep adding.
        while (s > 0xFFFF)
        {
            s = (s & 0xFFFF) + (s >> 16);
        }

        return (uint)s;
    }

    /// <summary>The one's complement of the folded sum: the value to store.</summary>
    public static ushort Fold(uint sum)
    {
        ulong s = sum;
        while (s > 0xFFFF)
        {
            s = (s & 0xFFFF) + (s >> 16);
        }

        return (ushort)~s;
    }
}
