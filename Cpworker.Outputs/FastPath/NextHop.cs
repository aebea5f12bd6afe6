using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Cpworker.Outputs.FastPath;

/// <summary>
/// Where the kernel would send a datagram to one destination, as <see cref="NextHopResolver"/> found it:
/// the egress interface, the source address, the MTU and the link-layer addresses of the frame.
/// A value type without references so that a refresh that finds nothing changed allocates nothing.
/// </summary>
/// <param name="InterfaceIndex">Egress interface (<c>RTA_OIF</c>); <c>lo</c> for local destinations.</param>
/// <param name="Mtu">The route's MTU, else the interface's: the largest IP packet sent without fragmenting.</param>
/// <param name="SourceMac">The interface's MAC, first byte in the low byte.</param>
/// <param name="DestinationMac">The next hop's MAC (all zero on <c>lo</c>), first byte in the low byte.</param>
/// <param name="Source">The source address the kernel picks (<c>RTA_PREFSRC</c>), as raw bytes (IPv4 in the first 4).</param>
/// <param name="Gateway">The next hop's address (the route's gateway, else the destination), raw bytes.</param>
/// <param name="IsIpv6">The family of both addresses.</param>
internal readonly record struct NextHop(
    int InterfaceIndex,
    int Mtu,
    ulong SourceMac,
    ulong DestinationMac,
    UInt128 Source,
    UInt128 Gateway,
    bool IsIpv6)
{
    /// <summary>The source address.</summary>
    public IPAddress SourceAddress => ToAddress(Source);

    /// <summary>The next hop's address.</summary>
    public IPAddress GatewayAddress => ToAddress(Gateway);

    /// <inheritdoc/>
    public override string ToString() =>
        $"ifindex {InterfaceIndex} via {GatewayAddress} ({Mac(DestinationMac)}) from {SourceAddress} ({Mac(SourceMac)}), mtu {Mtu}";

    /// <summary>A MAC as <c>aa:bb:…</c>.</summary>
    public static string Mac(ulong mac) =>
        string.Join(':', Enumerable.Range(0, 6).Select(i => ((byte)(mac >> (8 * i))).ToString("x2", CultureInfo.InvariantCulture)));

    private IPAddress ToAddress(UInt128 raw)
    {
        Span<byte> b = stackalloc byte[16];
        MemoryMarshal.Write(b, in raw);
        return new IPAddress(IsIpv6 ? b : b[..4]);
    }
}
