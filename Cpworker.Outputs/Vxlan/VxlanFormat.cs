using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cpworker.Engine.Packets;

namespace Cpworker.Outputs.Vxlan;

/// <summary>
/// The VXLAN datagram of docs/wire-formats.md, "VXLAN": <c>| header (8) | frame | capture time (8, optional) |</c>,
/// with the <c>vni1</c> or <c>vni2</c> tag and, for <c>vni1</c>, the check byte. Pure functions.
/// </summary>
internal static class VxlanFormat
{
    /// <summary>Bytes before the frame.</summary>
    public const int HeaderLength = 8;

    /// <summary>Bytes of the capture-time trailer.</summary>
    public const int TrailerLength = 8;

    /// <summary>Byte 0: the I flag (VNI valid).</summary>
    public const byte FlagVniValid = 0x08;

    /// <summary>Bytes of the UDP payload the <c>vni1</c> check byte covers (zero-padded when shorter).</summary>
    public const int CheckedLength = 42;

    /// <summary>Start value of the check byte's sum.</summary>
    public const uint CheckSeed = 0x4A3B2D1C;

    /// <summary>
    /// Writes the 8-byte header with byte 7 = 0. The check byte (<c>vni1</c>) is set afterwards by
    /// <see cref="SetCheckByte"/>, once the whole datagram is written.
    /// </summary>
    public static void WriteHeader(Span<byte> destination, VniKind kind, uint vni, PacketDirection direction)
    {
        Span<byte> h = destination[..HeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(h, (uint)FlagVniValid << 24);
        uint dir = (uint)direction;
        if (kind == VniKind.Vni2)
        {
            BinaryPrimitives.WriteUInt32BigEndian(h[4..], vni + dir);
        }
        else if (dir == 0)
        {
            h[4] = (byte)(vni >> 16);
            h[5] = (byte)(vni >> 8);
            h[6] = (byte)vni;
            h[7] = 0;
        }
        else
        {
            h[4] = (byte)(dir << 4);
            h[5] = (byte)((vni >> 8) & 0x0F);
            h[6] = (byte)vni;
            h[7] = 0;
        }
    }

    /// <summary>Writes the capture-time trailer: u32 seconds, u32 nanoseconds.</summary>
    public static void WriteTrailer(Span<byte> destination, long timestampNanos)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(timestampNanos / 1_000_000_000));
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)(timestampNanos % 1_000_000_000));
    }

    /// <summary>
    /// The <c>vni1</c> check byte of a datagram whose byte 7 is still 0: the first 42 bytes
    /// (zero-padded) as 21 little-endian words added to <see cref="CheckSeed"/>, folded twice, low byte.
    /// </summary>
    public static byte CheckByte(ReadOnlySpan<byte> datagram)
    {
        uint sum = CheckSeed;
        if (datagram.Length >= CheckedLength)
        {
            // 5 × 4 words at once: each 64-bit read is split into two 32-bit lanes of two words each (exact, no overflow).
            ref byte p = ref MemoryMarshal.GetReference(datagram);
            ulong lanes = 0;
            for (int i = 0; i < 40; i += 8)
            {
                ulong v = BinaryPrimitives.ReadUInt64LittleEndian(MemoryMarshal.CreateReadOnlySpan(ref Unsafe.Add(ref p, i), 8));
                lanes += (v & 0x0000FFFF0000FFFF) + ((v >> 16) & 0x0000FFFF0000FFFF);
            }

            sum += (uint)lanes + (uint)(lanes >> 32) + BinaryPrimitives.ReadUInt16LittleEndian(datagram[40..]);
        }
        else
        {
            int whole = datagram.Length & ~1;
            for (int i = 0; i < whole; i += 2)
            {
                sum += BinaryPrimitives.ReadUInt16LittleEndian(datagram[i..]);
            }

            if (whole < datagram.Length)
            {
                sum += datagram[whole]; // an odd last byte; its partner is padding (zero)
            }
        }

        sum = (sum >> 16) + (sum & 0xFFFF);
        sum = (sum >> 16) + (sum & 0xFFFF);
        return (byte)sum;
    }

    /// <summary>Sets byte 7 of a complete <c>vni1</c> datagram.</summary>
    public static void SetCheckByte(Span<byte> datagram)
    {
        datagram[7] = 0;
        datagram[7] = CheckByte(datagram);
    }

    /// <summary>
    /// Writes the whole datagram for <paramref name="frame"/> and returns its length: header, frame,
    /// the trailer when <paramref name="captureTime"/>, and the check byte for <c>vni1</c>.
    /// </summary>
    public static int Write(
        Span<byte> destination, ReadOnlySpan<byte> frame, VniKind kind, uint vni, PacketDirection direction, bool captureTime, long timestampNanos)
    {
        int length = HeaderLength + frame.Length + (captureTime ? TrailerLength : 0);
        Span<byte> d = destination[..length];
        WriteHeader(d, kind, vni, direction);
        frame.CopyTo(d[HeaderLength..]);
        if (captureTime)
        {
            WriteTrailer(d[(HeaderLength + frame.Length)..], timestampNanos);
        }

        if (kind == VniKind.Vni1)
        {
            SetCheckByte(d);
        }

        return length;
    }
}
