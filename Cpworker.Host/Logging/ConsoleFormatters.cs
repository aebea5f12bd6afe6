using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Cpworker.Host.Logging;

/// <summary>
/// The JSON and systemd formatters of Microsoft.Extensions.Logging.Console, configured for
/// cpworker. They are only reachable through the logging builder, so a small service provider
/// builds them; cpworker then calls them itself, synchronously, under its own line lock (the
/// console logger's background queue could lose the last lines at exit).
/// </summary>
internal static class ConsoleFormatters
{
    /// <summary>The formatter for <paramref name="format"/>; null for <see cref="LogFormat.Text"/> (cpworker's own).</summary>
    public static ConsoleFormatter? Create(LogFormat format)
    {
        if (format == LogFormat.Text)
        {
            return null;
        }

        var services = new ServiceCollection();
        services.AddLogging(builder => builder
            .AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz"; // milliseconds and the UTC offset: JSON readers expect ISO 8601
                o.UseUtcTimestamp = false;
                o.IncludeScopes = false;
                // One line per event; "+02:00" and non-ASCII text as they are, not \u-escaped.
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            })
            .AddSystemdConsole(o =>
            {
                o.TimestampFormat = null; // journald stamps every line itself
                o.IncludeScopes = false;
            }));
        using ServiceProvider provider = services.BuildServiceProvider();
        string name = format == LogFormat.Json ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Systemd;
        return provider.GetServices<ConsoleFormatter>().First(f => f.Name == name);
    }
}
