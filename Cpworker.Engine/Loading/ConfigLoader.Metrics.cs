using System.Globalization;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Loading;

internal static partial class ConfigLoader
{
    /// <summary>
    /// <c>metrics.prometheus.listen</c>: <c>HOST:PORT</c> (an IPv6 address in brackets) on which the
    /// daemon serves the <c>Cpworker</c> meter in the Prometheus text format; null when absent (off).
    /// </summary>
    private static string? ReadMetrics(ConfigObject root)
    {
        ConfigObject? metrics = root.Object("metrics");
        if (metrics is null)
        {
            return null;
        }

        ConfigObject? prometheus = metrics.Object("prometheus");
        string? listen = prometheus?.String("listen", required: true);
        prometheus?.WarnUnknownKeys();
        metrics.WarnUnknownKeys();
        if (listen is null)
        {
            return null;
        }

        string? problem = CheckListen(listen);
        if (problem is not null)
        {
            prometheus!.Error("listen", problem);
            return null;
        }

        return listen;
    }

    /// <summary>Null when <paramref name="listen"/> is <c>HOST:PORT</c> with a valid host and a port in 1 … 65535.</summary>
    private static string? CheckListen(string listen)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0)
        {
            return $"\"{listen}\": must be HOST:PORT, e.g. \"127.0.0.1:9464\"";
        }

        string host = listen[..colon];
        string port = listen[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535)
        {
            return $"\"{listen}\": the port must be a number between 1 and 65535";
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            return host.Contains(':') && HostSyntax.Check(host) is null ? null : $"\"{listen}\": \"{host}\" is not a valid IPv6 address";
        }

        if (host.Contains(':'))
        {
            return $"\"{listen}\": write an IPv6 address in brackets, e.g. \"[::1]:9464\"";
        }

        return HostSyntax.Check(host) is string why ? $"\"{listen}\": {why}" : null;
    }
}
