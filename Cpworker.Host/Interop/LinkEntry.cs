using System.Net;

namespace Cpworker.Host.Interop;

/// <summary>One network interface as <c>getifaddrs</c> reports it in the calling thread's namespace.</summary>
/// <param name="Index">Interface index.</param>
/// <param name="Name">Interface name.</param>
/// <param name="Flags"><c>IFF_*</c> flags.</param>
/// <param name="HardwareType">ARPHRD type (1 Ethernet, 772 loopback, 65534 none …).</param>
/// <param name="HardwareAddress">Link-layer address; empty when the link has none.</param>
/// <param name="Addresses">IPv4 and IPv6 addresses with their prefix lengths.</param>
internal sealed record LinkEntry(int Index, string Name, uint Flags, int HardwareType, byte[] HardwareAddress, IReadOnlyList<(IPAddress Address, int PrefixLength)> Addresses)
{
    /// <summary><c>IFF_UP</c>.</summary>
    public const uint FlagUp = 0x1;

    /// <summary><c>IFF_LOOPBACK</c>.</summary>
    public const uint FlagLoopback = 0x8;

    /// <summary><c>IFF_RUNNING</c>: the link is up (carrier).</summary>
    public const uint FlagRunning = 0x40;
}
