using System.Buffers.Binary;
using System.Net;

namespace Cpworker.Tests.Classification;

/// <summary>
/// Builds frames layer by layer for direction tests: <c>Ether(V4("10.0.0.1", "10.0.0.2", Tcp(1234, 80)))</c>.
/// Checksums are left zero (the classifier does not read them; tshark does not verify them by default).
/// </summary>
internal static class DirectionFrames
{
    /// <summary>Source MAC used unless a test gives one.</summary>
    public const string DefaultSourceMac = "02:00:00:00:00:01";

    /// <summary>Destination MAC used unless a test gives one.</summary>
    public const string DefaultDestinationMac = "02:00:00:00:00:02";

    public const byte Tcp6 = 6;
    public const byte Udp17 = 17;
    public const byte Sctp132 = 132;
    public const byte Icmp1 = 1;

    /// <summary>
    /// An Ethernet frame around <paramref name="payload"/>; the EtherType follows the IP version in the
    /// payload's first byte unless given. <paramref name="tags"/> are VLAN tags outermost first (TPID, VLAN id).
    /// </summary>
    public static byte[] Ether(byte[] payload, ushort? etherType = null, string source = DefaultSourceMac,
        string destination = DefaultDestinationMac, params (ushort Tpid, ushort Vid)[] tags)
    {
        ushort type = etherType ?? (payload.Length > 0 && payload[0] >> 4 == 6 ? (ushort)0x86DD : (ushort)0x0800);
        byte[] f = new byte[14 + (4 * tags.Length) + payload.Length];
        Mac(destination).CopyTo(f, 0);
        Mac(source).CopyTo(f, 6);
        int p = 12;
        foreach ((ushort tpid, ushort vid) in tags)
        {
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p), tpid);
            BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p + 2), vid);
            p += 4;
        }

        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(p), type);
        payload.CopyTo(f, p + 2);
        return f;
    }

    /// <summary>An Ethernet frame with VLAN tags (outermost first) around <paramref name="payload"/>.</summary>
    public static byte[] Tagged(byte[] payload, params (ushort Tpid, ushort Vid)[] tags) =>
        Ether(payload, null, DefaultSourceMac, DefaultDestinationMac, tags);

    /// <summary>
    /// An IPv4 packet. <paramref name="optionWords"/> adds 4-byte NOP option words (IHL 5 + n);
    /// <paramref name="ihl"/> overrides the IHL field as written (for malformed headers);
    /// <paramref name="fragment"/> is the flags + fragment offset field (offset in 8-byte units in the low 13 bits).
    /// </summary>
    public static byte[] V4(string source, string destination, byte protocol, byte[] payload,
        int optionWords = 0, int? ihl = null, ushort fragment = 0x4000)
    {
        int headerLength = 20 + (4 * optionWords);
        byte[] p = new byte[headerLength + payload.Length];
        p[0] = (byte)(0x40 | ((ihl ?? (5 + optionWords)) & 0x0F));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), fragment);
        p[8] = 64;
        p[9] = protocol;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(p, 12);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(p, 16);
        for (int i = 20; i < headerLength; i++)
        {
            p[i] = 1; // NOP option
        }

        payload.CopyTo(p, headerLength);
        return p;
    }

    /// <summary>An IPv6 packet; <paramref name="payload"/> starts with the header <paramref name="nextHeader"/> names.</summary>
    public static byte[] V6(string source, string destination, byte nextHeader, byte[] payload)
    {
        byte[] p = new byte[40 + payload.Length];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)payload.Length);
        p[6] = nextHeader;
        p[7] = 64;
        IPAddress.Parse(source).GetAddressBytes().CopyTo(p, 8);
        IPAddress.Parse(destination).GetAddressBytes().CopyTo(p, 24);
        payload.CopyTo(p, 40);
        return p;
    }

    /// <summary>
    /// A Hop-by-Hop (0), Routing (43) or Destination Options (60) header of (<paramref name="units"/> + 1) × 8
    /// bytes, padded with PadN, before <paramref name="rest"/>.
    /// </summary>
    public static byte[] Ext(byte next, byte[] rest, int units = 0, byte kind = 0)
    {
        int length = (units + 1) * 8;
        byte[] h = new byte[length];
        h[0] = next;
        h[1] = (byte)units;
        if (kind == 43)
        {
            h[2] = 0; // type 0, segments left 0: nothing to route, decoders skip it
        }
        else
        {
            h[2] = 1; // PadN covering the rest of the header
            h[3] = (byte)(length - 4);
        }

        return [.. h, .. rest];
    }

    /// <summary>An IPv6 Fragment header (offset in 8-byte units) before <paramref name="rest"/>.</summary>
    public static byte[] Frag6(byte next, byte[] rest, int offset = 0, bool more = true)
    {
        byte[] h = new byte[8];
        h[0] = next;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), (ushort)((offset << 3) | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), 0xCAFE);
        return [.. h, .. rest];
    }

    /// <summary>An Authentication Header with <paramref name="icvWords"/> 4-byte words of ICV before <paramref name="rest"/>.</summary>
    public static byte[] Ah(byte next, byte[] rest, int icvWords = 3)
    {
        // Length field: total length in 4-byte words minus 2 (RFC 4302); the fixed part is 3 words.
        byte[] h = new byte[12 + (4 * icvWords)];
        h[0] = next;
        h[1] = (byte)(3 + icvWords - 2);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), 0x1000);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(8), 1);
        return [.. h, .. rest];
    }

    /// <summary>A 20-byte TCP header (SYN) plus <paramref name="payload"/>.</summary>
    public static byte[] Tcp(ushort source, ushort destination, byte[]? payload = null)
    {
        byte[] h = new byte[20];
        WritePorts(h, source, destination);
        h[12] = 0x50;
        h[13] = 0x02;
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(14), 65535);
        return [.. h, .. payload ?? []];
    }

    /// <summary>An 8-byte UDP header plus <paramref name="payload"/>.</summary>
    public static byte[] Udp(ushort source, ushort destination, byte[]? payload = null)
    {
        payload ??= [];
        byte[] h = new byte[8];
        WritePorts(h, source, destination);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(4), (ushort)(8 + payload.Length));
        return [.. h, .. payload];
    }

    /// <summary>A 12-byte SCTP common header.</summary>
    public static byte[] Sctp(ushort source, ushort destination)
    {
        byte[] h = new byte[12];
        WritePorts(h, source, destination);
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), 0xABCD);
        return h;
    }

    /// <summary>An ICMP echo request.</summary>
    public static byte[] Icmp() => [8, 0, 0, 0, 0, 1, 0, 1];

    /// <summary>A VXLAN header (I flag, <paramref name="vni"/>) followed by the inner Ethernet frame.</summary>
    public static byte[] Vxlan(byte[] innerFrame, uint vni = 33)
    {
        byte[] h = new byte[8];
        h[0] = 0x08;
        BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), vni << 8);
        return [.. h, .. innerFrame];
    }

    /// <summary>The 6 bytes of a MAC written as <c>aa:bb:cc:dd:ee:ff</c>.</summary>
    public static byte[] Mac(string text) => Convert.FromHexString(text.Replace(":", "", StringComparison.Ordinal));

    private static void WritePorts(byte[] h, ushort source, ushort destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(h, source);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), destination);
    }
}
