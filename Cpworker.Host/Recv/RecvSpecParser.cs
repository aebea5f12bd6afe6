using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cpworker.Host.Recv;

/// <summary>Reads listener addresses: <c>[ADDR:]PORT</c>, <c>[v6]:PORT</c>, a bare address, <c>tcp://ADDR:PORT</c>.</summary>
internal static class RecvSpecParser
{
    /// <summary>A VXLAN endpoint: <c>PORT</c> (every IPv4 address), <c>ADDR:PORT</c> or <c>[V6ADDR]:PORT</c>.</summary>
    public static IPEndPoint Endpoint(string text, string what)
    {
        string s = text.Trim();
        string address = "0.0.0.0";
        string port = s;
        if (s.StartsWith('['))
        {
            int close = s.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                throw new RecvException($"{what} \"{text}\": an IPv6 address is written [ADDR]:PORT");
            }

            address = s[1..close];
            port = s[(close + 2)..];
        }
        else if (s.Contains(':'))
        {
            int colon = s.LastIndexOf(':');
            address = s[..colon];
            port = s[(colon + 1)..];
        }

        if (!TryParseAddress(address, out IPAddress? ip) || (s.StartsWith('[') != (ip.AddressFamily == AddressFamily.InterNetworkV6)))
        {
            throw new RecvException($"{what} \"{text}\": \"{address}\" is not an IP address ([ADDR:]PORT, [V6ADDR]:PORT)");
        }

        if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out ushort p))
        {
            throw new RecvException($"{what} \"{text}\": \"{port}\" is not a port (0-65535; 0 lets the OS choose)");
        }

        return new IPEndPoint(ip, p);
    }

    /// <summary>A GRE address; empty means every address (IPv4 and IPv6: two listeners).</summary>
    public static IReadOnlyList<IPAddress> GreAddresses(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [IPAddress.Any, IPAddress.IPv6Any];
        }

        string s = text.Trim().TrimStart('[').TrimEnd(']');
        if (!TryParseAddress(s, out IPAddress? ip))
        {
            throw new RecvException($"--gre \"{text}\": not an IP address");
        }

        return [ip];
    }

    /// <summary>An IPv4 address in dotted-quad form (not inet_aton's "1.2.3") or an IPv6 address.</summary>
    private static bool TryParseAddress(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPAddress? ip) =>
        IPAddress.TryParse(text, out ip) && (ip.AddressFamily == AddressFamily.InterNetworkV6 || text.Count(c => c == '.') == 3);

    /// <summary>A ZMQ endpoint, <c>tcp://ADDR:PORT</c> (port 0 or * to bind a port the OS chooses).</summary>
    public static string ZmqEndpoint(string text, string what)
    {
        string s = text.Trim();
        int colon = s.LastIndexOf(':');
        if (!s.StartsWith("tcp://", StringComparison.Ordinal) || colon <= 6 || s.Length == colon + 1)
        {
            throw new RecvException($"{what} \"{text}\": must be tcp://ADDR:PORT");
        }

        string port = s[(colon + 1)..];
        if (port != "*" && !ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw new RecvException($"{what} \"{text}\": \"{port}\" is not a port");
        }

        return s;
    }
}
