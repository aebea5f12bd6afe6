using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Common;

/// <summary>
/// Turns an output's <c>host</c> (an IPv4 or IPv6 literal, or a name) into the one address it sends
/// to. Outputs and the loop guard resolve through here so that both name the same address.
/// </summary>
internal static class HostResolver
{
    /// <summary>
    /// The address of <paramref name="host"/>: the literal itself, else the first IPv4 address the
    /// resolver returns, else the first IPv6 one. Throws <see cref="OutputStartException"/> naming
    /// the host when it has none.
    /// </summary>
    public static IPAddress Resolve(string host)
    {
        string h = host.Trim();
        if (h.Length > 2 && h[0] == '[' && h[^1] == ']')
        {
            h = h[1..^1];
        }

        if (IPAddress.TryParse(h, out IPAddress? literal))
        {
            return literal;
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(h);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            throw new OutputStartException($"cannot resolve host '{host}': {ex.Message}", ex);
        }

        IPAddress? v6 = null;
        foreach (IPAddress a in addresses)
        {
            if (a.AddressFamily == AddressFamily.InterNetwork)
            {
                return a;
            }

            v6 ??= a.AddressFamily == AddressFamily.InterNetworkV6 ? a : null;
        }

        return v6 ?? throw new OutputStartException($"cannot resolve host '{host}': no IPv4 or IPv6 address");
    }

    /// <summary>
    /// Like <see cref="Resolve"/>, but null instead of an exception (the loop guard of an output that
    /// cannot start has nothing to exclude).
    /// </summary>
    public static IPAddress? TryResolve(string host)
    {
        try
        {
            return Resolve(host);
        }
        catch (OutputStartException)
        {
            return null;
        }
    }

    /// <summary>The address as a BPF <c>host</c> operand: no IPv6 scope (libpcap rejects <c>%eth0</c>).</summary>
    public static string ForFilter(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes()).ToString()
            : address.ToString();
}
