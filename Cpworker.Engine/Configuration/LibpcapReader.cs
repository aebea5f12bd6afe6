namespace Cpworker.Engine.Configuration;

/// <summary><c>capturer.libpcap.reader</c>: how a live capture reads the kernel's capture buffer.</summary>
public enum LibpcapReader
{
    /// <summary>
    /// <c>"auto"</c> (default): <see cref="Ring"/> when <c>timeout_ms</c> is above 0, the interface
    /// is Ethernet or loopback and the filter does not use <c>vlan</c>; otherwise <see cref="Libpcap"/>.
    /// </summary>
    Auto,

    /// <summary><c>"libpcap"</c>: libpcap's handle, one <c>pcap_next_ex</c> and one copy per frame.</summary>
    Libpcap,

    /// <summary><c>"ring"</c>: our own <c>TPACKET_V3</c> ring, frames read in place (Ethernet and loopback only).</summary>
    Ring,
}
