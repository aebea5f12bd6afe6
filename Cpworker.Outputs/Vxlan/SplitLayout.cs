namespace Cpworker.Outputs.Vxlan;

/// <summary>Where the parts of a TCP or UDP frame lie, as <see cref="VxlanSplit.TryParse"/> found them.</summary>
/// <param name="L3Offset">Start of the IP header.</param>
/// <param name="IsIpv6">IPv6 (else IPv4).</param>
/// <param name="Protocol">6 (TCP) or 17 (UDP).</param>
/// <param name="L4Offset">Start of the TCP or UDP header.</param>
/// <param name="PayloadOffset">Start of the L4 payload: everything before it is repeated in every chunk.</param>
/// <param name="PayloadLength">Captured L4 payload bytes (up to the IP length; Ethernet padding excluded).</param>
internal readonly record struct SplitLayout(int L3Offset, bool IsIpv6, byte Protocol, int L4Offset, int PayloadOffset, int PayloadLength)
{
    /// <summary>TCP.</summary>
    public const byte Tcp = 6;

    /// <summary>UDP.</summary>
    public const byte Udp = 17;
}
