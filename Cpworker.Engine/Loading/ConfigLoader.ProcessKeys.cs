using System.Text.Json;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Loading;

internal static partial class ConfigLoader
{
    /// <summary>
    /// Reads only <c>control</c> and <c>metrics</c> of <paramref name="root"/>, with the daemon's rules
    /// and messages: <c>cpworker recv</c>'s own file carries the same two keys (docs/recv.md,
    /// "Configuration file and systemd"). The root's other keys are not looked at.
    /// </summary>
    internal static (string? ControlSocketPath, string? PrometheusListen, ConfigDiagnostics Diagnostics) ReadControlAndMetrics(
        JsonElement root, Func<string, string?>? environment = null)
    {
        var diagnostics = new ConfigDiagnostics();
        ConfigObject? config = ConfigObject.Root(root, new ConfigReadContext(diagnostics, environment));
        if (config is null)
        {
            return (null, null, diagnostics);
        }

        string? control = ReadControl(config);
        string? listen = ReadMetrics(config);
        return (control, listen, diagnostics);
    }

    /// <summary>Null when <paramref name="listen"/> is a valid <c>metrics.prometheus.listen</c> (<c>HOST:PORT</c>); else the problem.</summary>
    internal static string? CheckPrometheusListen(string listen) => CheckListen(listen);
}
