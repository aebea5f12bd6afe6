using System.Buffers.Binary;

namespace Cpworker.Tests.Network;

/// <summary>Builds TCP and UDP frames over IPv4 and IPv6 with valid checksums, for the split tests.</summary>
internal static class SplitFrames
{
    /// <summary>Offsets of the parts of a built frame.</summary>
    internal sealed record Built(byte[] Frame, int L3, int L4, int Payload, bool Ipv6, byte Protocol);

    /// <summary>
    /// A frame: Ethernet (optionally with a VLAN tag), IPv4 or IPv6 (optionally with a Hop-by-Hop and
    /// a Destination-options header), TCP (with 12 bytes of options) or UDP, and
    /// <paramref name="payloadLength"/> bytes of payload numbered so that chunks can be told apart.
    /// </summary>
    public static Built Build(bool ipv6, bool tcp, int payloadLength, bool vlan = false, bool extensionHeaders = false, ushort ipv4Fragment = 0x4000)
    {
        var f = new List<byte>();
        f.AddRange(Convert.FromHexString("0a0000000002" + "0a0000000001"));
        if (vlan)
        {
            f.AddRange(Convert.FromHexString("81000123"));
        }

        f.AddRange(ipv6 ? [0x86, 0xDD] : [0x08, 0x00]);
        int l3 = f.Count;
        byte protocol = tcp ? (byte)6 : (byte)17;
        int l4Header = tcp ? 32 : 8;
        int ext = ipv6 && extensionHeaders ? 16 : 0;
        if (ipv6)
        {
            f.AddRange(Convert.FromHexString("6000000000000000"));
            f.AddRange(Convert.FromHexString("20010db8000000000000000000000001" + "20010db8000000000000000000000002"));
            if (extensionHeaders)
            {
                f.AddRange([60, 0, 1, 4, 0, 0, 0, 0]); // Hop-by-Hop → Destination options, PadN
                f.AddRange([protocol, 0, 1, 4, 0, 0, 0, 0]); // Destination options → L4
            }
        }
        else
        {
            f.AddRange(Convert.FromHexString("45000000abcd0000" + "4000" + "0000" + "c0000201" + "c6336402"));
        }

        int l4 = f.Count;
        if (tcp)
        {
            f.AddRange(Convert.FromHexString("1f90c350" + "fffffff0" + "00000001" + "8018" + "0200" + "0000" + "0000"));
            f.AddRange(Convert.FromHexString("0101080a0000000100000002"));
        }
        else
        {
            f.AddRange(Convert.FromHexString("d4311f4b" + "0000" + "0000"));
        }

        int payload = f.Count;
        for (int i = 0; i < payloadLength; i++)
        {
            f.Add((byte)(i * 7 + (i >> 8)));
        }

        byte[] frame = f.ToArray();
        if (ipv6)
        {
            frame[l3 + 6] = extensionHeaders ? (byte)0 : protocol;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l3 + 4), (ushort)(ext + l4Header + payloadLength));
        }
        else
        {
            frame[l3 + 9] = protocol;
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l3 + 2), (ushort)(20 + l4Header + payloadLength));
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l3 + 6), ipv4Fragment);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l3 + 10), ReferenceChecksum.Of(frame.AsSpan(l3, 20)));
        }

        if (!tcp)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l4 + 4), (ushort)(8 + payloadLength));
        }

        int checksumAt = tcp ? 16 : 6;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(l4 + checksumAt), ReferenceChecksum.Transport(frame, l3, l4, ipv6, protocol, checksumAt));
        return new Built(frame, l3, l4, payload, ipv6, protocol);
    }
}
