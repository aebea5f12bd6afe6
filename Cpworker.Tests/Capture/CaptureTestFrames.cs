using System.Buffers.Binary;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;

namespace Cpworker.Tests.Capture;

/// <summary>Frames and helpers for the capture tests.</summary>
internal static class CaptureTestFrames
{
    /// <summary>An IPv4 UDP packet (no link header) from 10.0.0.1:<paramref name="sourcePort"/> to 10.0.0.2:<paramref name="destinationPort"/>.</summary>
    public static byte[] Ipv4Udp(int sourcePort, int destinationPort, ReadOnlySpan<byte> payload)
    {
        byte[] p = new byte[28 + payload.Length];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = 17;
        new byte[] { 10, 0, 0, 1, 10, 0, 0, 2 }.CopyTo(p, 12);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(20), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(22), (ushort)destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(24), (ushort)(8 + payload.Length));
        payload.CopyTo(p.AsSpan(28));
        return p;
    }

    /// <summary>An IPv6 UDP packet (no link header) from 2001:db8::1 to 2001:db8::2.</summary>
    public static byte[] Ipv6Udp(int sourcePort, int destinationPort, ReadOnlySpan<byte> payload)
    {
        byte[] p = new byte[48 + payload.Length];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)(8 + payload.Length));
        p[6] = 17;
        p[7] = 64;
        p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8; p[23] = 1;
        p[24] = 0x20; p[25] = 0x01; p[26] = 0x0d; p[27] = 0xb8; p[39] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(40), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(42), (ushort)destinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(44), (ushort)(8 + payload.Length));
        payload.CopyTo(p.AsSpan(48));
        return p;
    }

    /// <summary>An Ethernet frame carrying <paramref name="ipPacket"/>.</summary>
    public static byte[] Ethernet(ReadOnlySpan<byte> ipPacket, ushort etherType = 0x0800)
    {
        byte[] f = new byte[14 + ipPacket.Length];
        new byte[] { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 }.CopyTo(f, 0);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), etherType);
        ipPacket.CopyTo(f.AsSpan(14));
        return f;
    }

    /// <summary>An Ethernet/IPv4/UDP frame whose payload is <paramref name="index"/> as text padded to <paramref name="payloadLength"/>.</summary>
    public static byte[] NumberedUdp(int index, int payloadLength = 32, int destinationPort = 8011)
    {
        byte[] payload = new byte[payloadLength];
        BinaryPrimitives.WriteInt32BigEndian(payload, index);
        for (int i = 4; i < payload.Length; i++)
        {
            payload[i] = (byte)(index + i);
        }

        return Ethernet(Ipv4Udp(40000, destinationPort, payload));
    }

    /// <summary>A Linux cooked (SLL) frame carrying <paramref name="payload"/> with <paramref name="protocol"/>.</summary>
    public static byte[] Sll(ReadOnlySpan<byte> payload, ushort protocol)
    {
        byte[] f = new byte[16 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(f, 4); // sent by us
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(2), 1); // ARPHRD_ETHER
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(4), 6);
        new byte[] { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), protocol);
        payload.CopyTo(f.AsSpan(16));
        return f;
    }

    /// <summary>A Linux cooked v2 (SLL2) frame carrying <paramref name="payload"/> with <paramref name="protocol"/>.</summary>
    public static byte[] Sll2(ReadOnlySpan<byte> payload, ushort protocol)
    {
        byte[] f = new byte[20 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(f, protocol);
        BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(4), 7); // ifindex
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(8), 1); // ARPHRD_ETHER
        f[10] = 0; // to us
        f[11] = 6;
        new byte[] { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff }.CopyTo(f, 12);
        payload.CopyTo(f.AsSpan(20));
        return f;
    }

    /// <summary>A copy of a pcap file in big-endian byte order (global header and record headers swapped).</summary>
    public static byte[] ToBigEndian(byte[] littleEndianFile)
    {
        byte[] f = (byte[])littleEndianFile.Clone();
        Swap32(f, 0);
        Swap16(f, 4);
        Swap16(f, 6);
        for (int i = 8; i < 24; i += 4)
        {
            Swap32(f, i);
        }

        int pos = 24;
        while (pos + 16 <= f.Length)
        {
            int caplen = BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(pos + 8));
            for (int i = 0; i < 16; i += 4)
            {
                Swap32(f, pos + i);
            }

            pos += 16 + caplen;
        }

        return f;
    }

    /// <summary>One delivered packet, copied out of its batch.</summary>
    public sealed record Captured(byte[] Frame, int OriginalLength, long TimestampNanos);

    /// <summary>Copies the batch's packets out and empties it.</summary>
    public static void Drain(PacketBatch batch, List<Captured> into)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            into.Add(new Captured(batch.Frame(i).ToArray(), batch[i].OriginalLength, batch[i].TimestampNanos));
        }

        batch.Reset();
    }

    /// <summary>Fills until the source reports the end (at most <paramref name="maxFills"/> calls); returns every packet.</summary>
    public static List<Captured> ReadToEnd(PacketSource source, PacketBatch batch, int maxFills = 100_000)
    {
        var packets = new List<Captured>();
        for (int i = 0; i < maxFills; i++)
        {
            SourceStatus status = source.Fill(batch, 50);
            Drain(batch, packets);
            if (status == SourceStatus.EndOfInput)
            {
                return packets;
            }
        }

        throw new AssertionException($"no end of input after {maxFills} fills ({packets.Count} packets)");
    }

    private static void Swap32(byte[] f, int at) => Array.Reverse(f, at, 4);

    private static void Swap16(byte[] f, int at) => Array.Reverse(f, at, 2);
}
