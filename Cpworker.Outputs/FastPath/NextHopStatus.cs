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

    /// <summary>The egress interface is neither Ethernet nor loopback (tun, ipip …): the ring cannot build its frames.</summary>
    UnsupportedInterface,
}
