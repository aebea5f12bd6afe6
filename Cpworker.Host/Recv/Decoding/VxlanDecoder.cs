using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Host.Recv.Decoding;

/// <summary>
/// Undoes the VXLAN output (docs/wire-formats.md#vxlan): <c>| header (8) | frame | capture time
/// (8, when the sender has <c>capture_time</c>) |</c>. The layout of the tag and the presence of the
/// trailer are the sender's settings, which the datagram does not carry: the receiver is told them.
/// Split chunks (docs/wire-formats.md#vxlan-split) are ordinary datagrams here; each is one frame.
/// Pure and allocation-free.
/// </summary>
internal static class VxlanDecoder
{
    /// <summary>Bytes before the frame.</summary>
    public const int HeaderLength = 8;

    /// <summary>Bytes of the capture-time trailer.</summary>
    public const int TrailerLength = 8;

    /// <summary>Smallest inner frame: an Ethernet header.</summary>
    public const int MinFrameLength = 14;

    private const byte FlagVniValid = 0x08;
    private const int CheckedLength = 42;
    private const uint CheckSeed = 0x4A3B2D1C;

    /// <summary>Decodes one UDP payload.</summary>
    public static DecodeStatus Decode(ReadOnlySpan<byte> datagram, VxlanTagLayout layout, bool captureTime, out DecodedFrame frame)
    {
        frame = default;
        int trailer = captureTime ? TrailerLength : 0;
        if (datagram.Length < HeaderLength)
        {
            return DecodeStatus.Truncated;
        }

        // Our encoders write exactly 0x08 000000; anything else (VXLAN-GPE, GBP, a stray protocol) is not ours.
        if (BinaryPrimitives.ReadUInt32BigEndian(datagram) != (uint)FlagVniValid << 24)
        {
            return DecodeStatus.BadFlags;
        }

        if (datagram.Length < HeaderLength + MinFrameLength + trailer)
        {
            return DecodeStatus.Truncated;
        }

        PacketDirection direction;
        uint tag;
        if (layout == VxlanTagLayout.Vni2)
        {
            uint value = BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]);
            if ((value & 3) == 3)
            {
                return DecodeStatus.BadField;
            }

            direction = (PacketDirection)(value & 3);
            tag = value & ~3u;
        }
        else
        {
            if (CheckByte(datagram) != datagram[7])
            {
                return DecodeStatus.BadCheckByte;
            }

            // Direction 1 or 2 puts it in byte 4's high nibble and keeps byte 5's high nibble zero;
            // a direction-0 tag with those very bits reads as directed (docs/recv.md#vxlan).
            int nibble = datagram[4] >> 4;
            if ((nibble == 1 || nibble == 2) && (datagram[4] & 0x0F) == 0 && datagram[5] >> 4 == 0)
            {
                direction = (PacketDirection)nibble;
                tag = (uint)((datagram[5] & 0x0F) << 8 | datagram[6]);
            }
            else
            {
                direction = PacketDirection.NotChecked;
                tag = (uint)(datagram[4] << 16 | datagram[5] << 8 | datagram[6]);
            }
        }

        long timestamp = DecodedFrame.NoTimestamp;
        if (captureTime)
        {
            ReadOnlySpan<byte> t = datagram[^TrailerLength..];
            uint seconds = BinaryPrimitives.ReadUInt32BigEndian(t);
            uint nanos = BinaryPrimitives.ReadUInt32BigEndian(t[4..]);
            timestamp = seconds * 1_000_000_000L + nanos;
        }

        int length = datagram.Length - HeaderLength - trailer;
        frame = new DecodedFrame(HeaderLength, length, length, direction, tag, timestamp);
        return DecodeStatus.Ok;
    }

    /// <summary>
    /// The <c>vni1</c> check byte: the first 42 bytes (zero-padded, byte 7 taken as 0) as
    /// little-endian words added to 0x4A3B2D1C, folded twice, low byte.
    /// </summary>
    public static byte CheckByte(ReadOnlySpan<byte> datagram)
    {
        uint sum = CheckSeed;
        int n = Math.Min(datagram.Length, CheckedLength);
        for (int i = 0; i < n; i += 2)
        {
            int low = i == 7 ? 0 : datagram[i];
            int high = i + 1 >= n || i + 1 == 7 ? 0 : datagram[i + 1];
            sum += (uint)(low | high << 8);
        }

        sum = (sum >> 16) + (sum & 0xFFFF);
        sum = (sum >> 16) + (sum & 0xFFFF);
        return (byte)sum;
    }
}
