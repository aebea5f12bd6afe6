namespace Cpworker.Outputs.FastPath;

/// <summary><c>send_path</c> of a <c>gre</c> or <c>vxlan</c> output (docs/configuration.md).</summary>
internal enum SendPath
{
    /// <summary><c>socket</c>: one <c>sendmmsg</c> per buffer through the IP stack (netfilter, qdiscs apply). The default.</summary>
    Socket = 0,

    /// <summary><c>packet_ring</c>: whole frames through an AF_PACKET TX ring; start fails without CAP_NET_RAW.</summary>
    PacketRing = 1,

    /// <summary><c>auto</c>: the ring when it can be opened, the socket otherwise.</summary>
    Auto = 2,
}
