namespace Cpworker.Outputs.FastPath;

/// <summary>What a next-hop lookup found.</summary>
internal enum NextHopStatus
{
    /// <summary>Route and link-layer address known: frames can be built.</summary>
    Resolved,

    /// <summary>A route, but the next hop's MAC is not (yet) in the neighbour cache: the socket path makes the kernel resolve it.</summary>
    NeighbourUnresolved,

    /// <summary>No unicast route (unreachable, multicast, broadcast, blackhole …).</summary>
    NoRoute,

    /// <summary>
    /// An IPv4 destination on this host (127.0.0.0/8 or a local address): a frame injected on <c>lo</c> has no
    /// route attached, and the kernel's input route lookup drops it as martian (127/8 unless <c>route_localnet</c>,
    /// a local source unless <c>accept_local</c>): the socket path carries it. IPv6 has no such check.
    /// </summary>
    Ipv4Local,

    /// <summary>The egress interface is neither Ethernet nor loopback (tun, ipip …): the ring cannot build its frames.</summary>
    UnsupportedInterface,
}
