namespace Cpworker.Host.Recv.Decoding;

/// <summary>
/// The ZMQ output overwrites the innermost EtherType with 0x8847 and does not keep it
/// (docs/wire-formats.md#zeromq); the L3 bytes behind the tag tell it back for the protocols a
/// probe sees: IPv4, IPv6 and ARP.
/// </summary>
internal static class EtherTypeInference
{
    /// <summary>The EtherType of <paramref name="l3"/>, or 0 when it cannot be told.</summary>
    public static ushort Infer(ReadOnlySpan<byte> l3)
    {
        if (l3.Length >= 6 && l3[0] == 0x00 && l3[1] == 0x01 && l3[2] == 0x08 && l3[3] == 0x00 && l3[4] == 6 && l3[5] == 4)
        {
            return 0x0806; // Ethernet/IPv4 ARP: hardware type 1, protocol 0x0800, lengths 6 and 4
        }

        if (l3.Length >= 1)
        {
            int version = l3[0] >> 4;
            if (version == 4 && (l3[0] & 0x0F) >= 5)
            {
                return 0x0800;
            }

            if (version == 6)
            {
                return 0x86DD;
            }
        }

        return 0;
    }
}
