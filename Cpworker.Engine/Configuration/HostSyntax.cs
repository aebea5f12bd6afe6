using System.Net;
using System.Net.Sockets;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// Checks an output's <c>host</c> without touching the network: an IPv4 literal (four decimal
/// parts, no leading zeros), an IPv6 literal, or a syntactically valid DNS name.
/// </summary>
internal static class HostSyntax
{
    /// <summary>Null when <paramref name="host"/> is well formed; else what is wrong with it.</summary>
    public static string? Check(string host)
    {
        if (host.Length == 0)
        {
            return "must not be empty";
        }

        if (host.StartsWith('['))
        {
            return $"\"{host}\": write an IPv6 address without brackets";
        }

        if (host.Count(c => c == ':') == 1)
        {
            return $"\"{host}\": give the address or name alone; the port has its own key";
        }

        if (host.Contains(':'))
        {
            return IPAddress.TryParse(host, out IPAddress? v6) && v6.AddressFamily == AddressFamily.InterNetworkV6
                ? null
                : $"\"{host}\" is not a valid IPv6 address";
        }

        if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            // IPAddress.TryParse accepts inet_aton forms ("10.1.2", octal "010.0.0.1") that are surely typos here.
            return IsDottedQuad(host) ? null : $"\"{host}\" is not a valid IPv4 address";
        }

        return CheckName(host);
    }

    private static bool IsDottedQuad(string s)
    {
        string[] parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (string p in parts)
        {
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0') || int.Parse(p, System.Globalization.CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }

    private static string? CheckName(string host)
    {
        string name = host.EndsWith('.') ? host[..^1] : host;
        if (name.Length is 0 or > 253)
        {
            return $"\"{host}\" is not a valid host name (at most 253 characters)";
        }

        string[] labels = name.Split('.');
        foreach (string label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return $"\"{host}\" is not a valid host name (each dot-separated label has 1 … 63 characters)";
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"\"{host}\" is not a valid host name (a label cannot start or end with '-')";
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                {
                    return $"\"{host}\" is not a valid host name or address (unexpected '{c}')";
                }
            }
        }

        if (labels[^1].All(char.IsAsciiDigit))
        {
            return $"\"{host}\" is not a valid IPv4 address or host name";
        }

        return null;
    }
}
