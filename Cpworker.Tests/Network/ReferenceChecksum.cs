namespace Cpworker.Tests.Network;

/// <summary>
/// Checksums computed the plain way (16-bit words, one at a time), independent of the code under
/// test, to build valid frames and to verify split chunks.
/// </summary>
internal static class ReferenceChecksum
{
    /// <summary>RFC 1071 over <paramref name="data"/>.</summary>
    public static ushort Of(ReadOnlySpan<byte> data)
    {
        long sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            int hi = data[i];
            int lo = i + 1 < data.Length ? data[i + 1] : 0;
            sum += (hi << 8) | lo;
        }

        while (sum > 0xFFFF)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)~sum;
    }

    /// <summary>The TCP/UDP checksum of the segment at <paramref name="l4"/> (to the end of <paramref name="frame"/>) with its pseudo header.</summary>
    public static ushort Transport(byte[] frame, int l3, int l4, bool ipv6, byte protocol, int checksumOffset)
    {
        int l4Length = frame.Length - l4;
        var pseudo = new List<byte>();
        if (ipv6)
        {
            pseudo.AddRange(frame.AsSpan(l3 + 8, 32).ToArray());
            pseudo.AddRange([(byte)(l4Length >> 24), (byte)(l4Length >> 16), (byte)(l4Length >> 8), (byte)l4Length, 0, 0, 0, protocol]);
        }
        else
        {
            pseudo.AddRange(frame.AsSpan(l3 + 12, 8).ToArray());
            pseudo.AddRange([0, protocol, (byte)(l4Length >> 8), (byte)l4Length]);
        }

        byte[] segment = frame.AsSpan(l4).ToArray();
        segment[checksumOffset] = 0;
        segment[checksumOffset + 1] = 0;
        pseudo.AddRange(segment);
        ushort c = Of(pseudo.ToArray());
        return c == 0 && protocol == 17 ? (ushort)0xFFFF : c;
    }
}
