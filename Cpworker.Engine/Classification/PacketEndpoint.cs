using System.Runtime.InteropServices;

namespace Cpworker.Engine.Classification;

/// <summary>
/// One side of a packet as the direction pattern sees it: an IP address (or none) and a port (or none).
/// A plain value filled on the stack per packet, so classifying allocates nothing.
/// </summary>
/// <remarks>
/// The address is kept as two 64-bit words read from the address bytes in machine byte order:
/// an IPv6 address fills both, an IPv4 address fills the low 32 bits of <see cref="High"/> and
/// leaves <see cref="Low"/> zero. Pattern addresses are built by the same reads
/// (<see cref="FromAddressBytes"/>), so equality of the words is equality of the addresses, and
/// <see cref="Family"/> keeps IPv4 and IPv6 apart (an IPv4 address never equals an IPv6 one).
/// </remarks>
[StructLayout(LayoutKind.Auto)]
internal struct PacketEndpoint
{
    /// <summary>No address: not an IP packet, or its IP header could not be read.</summary>
    public const byte NoFamily = 0;

    /// <summary><see cref="Family"/> of an IPv4 address.</summary>
    public const byte IPv4 = 4;

    /// <summary><see cref="Family"/> of an IPv6 address.</summary>
    public const byte IPv6 = 6;

    /// <summary>First 8 address bytes (IPv6) or the 4 address bytes (IPv4).</summary>
    public ulong High;

    /// <summary>Last 8 address bytes (IPv6); zero for IPv4.</summary>
    public ulong Low;

    /// <summary>Transport port; meaningful only when <see cref="HasPort"/>.</summary>
    public ushort Port;

    /// <summary><see cref="NoFamily"/>, <see cref="IPv4"/> or <see cref="IPv6"/>.</summary>
    public byte Family;

    /// <summary>True when the packet is TCP, UDP or SCTP, not a non-first fragment, and its ports were captured.</summary>
    public bool HasPort;

    /// <summary>Sets the address from 4 (IPv4) or 16 (IPv6) network-order bytes.</summary>
    public void SetAddress(ReadOnlySpan<byte> address)
    {
        if (address.Length == 4)
        {
            High = MemoryMarshal.Read<uint>(address);
            Low = 0;
            Family = IPv4;
        }
        else
        {
            High = MemoryMarshal.Read<ulong>(address);
            Low = MemoryMarshal.Read<ulong>(address.Slice(8, 8));
            Family = IPv6;
        }
    }

    /// <summary>An endpoint with the address of 4 or 16 network-order bytes and no port.</summary>
    public static PacketEndpoint FromAddressBytes(ReadOnlySpan<byte> address)
    {
        if (address.Length != 4 && address.Length != 16)
        {
            throw new ArgumentException("an IP address has 4 or 16 bytes", nameof(address));
        }

        var e = default(PacketEndpoint);
        e.SetAddress(address);
        return e;
    }
}
