using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Cpworker.Outputs.Vxlan;

/// <summary>The one's-complement sum of RFC 1071, for the IPv4, TCP and UDP checksums of split frames.</summary>
internal static class InternetChecksum
{
    /// <summary>Adds <paramref name="data"/> as big-endian 16-bit words (an odd last byte padded with zero) to <paramref name="sum"/>.</summary>
    public static ulong Add(ulong sum, ReadOnlySpan<byte> data)
    {
        if (!BitConverter.IsLittleEndian)
        {
            return AddBigEndian(sum, data);
        }

        // RFC 1071 §2(B): the sum is byte-order independent. Add little-endian 32-bit halves of
        // 64-bit reads (no overflow for any IP packet), fold, and swap the result into network order.
        ref byte p = ref MemoryMarshal.GetReference(data);
        ulong le = 0;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && data.Length >= 64)
        {
            // 32 bytes a step: eight 32-bit words widened into 64-bit lanes (no overflow for any IP packet).
            // Two accumulators keep the adds independent. Measured: OuterHeadersBenchmarks.ChecksumOnly.
            Vector256<ulong> a = Vector256<ulong>.Zero;
            Vector256<ulong> b = Vector256<ulong>.Zero;
            for (; i + 32 <= data.Length; i += 32)
            {
                (Vector256<ulong> lower, Vector256<ulong> upper) = Vector256.Widen(Vector256.LoadUnsafe(ref Unsafe.As<byte, uint>(ref Unsafe.Add(ref p, i))));
                a += lower;
                b += upper;
            }

            le = Vector256.Sum(a + b);
        }

        for (; i + 8 <= data.Length; i += 8)
        {
            ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i));
            le += (uint)v;
            le += v >> 32;
        }

        if (i + 4 <= data.Length)
        {
            le += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i));
            i += 4;
        }

        if (i + 2 <= data.Length)
        {
            le += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, i));
            i += 2;
        }

        if (i < data.Length)
        {
            le += data[i]; // the low byte of a little-endian word is the high byte of the network word
        }

        while (le >> 16 != 0)
        {
            le = (le & 0xFFFF) + (le >> 16);
        }

        return sum + BinaryPrimitives.ReverseEndianness((ushort)le);
    }

    private static ulong AddBigEndian(ulong sum, ReadOnlySpan<byte> data)
    {
        int i = 0;
        for (; i + 2 <= data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }

        if (i < data.Length)
        {
            sum += (ulong)data[i] << 8;
        }

        return sum;
    }

    /// <summary>Folds a sum to 16 bits and complements it: the value to store in a checksum field.</summary>
    public static ushort Finish(ulong sum)
    {
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }
}
