namespace Cpworker.Host.Logging;

/// <summary>How the daemon writes its log lines to stderr (<c>--log-format</c>; docs/operations.md, "Log formats").</summary>
internal enum LogFormat
{
    /// <summary><c>YYYY-mm-ddTHH:MM:SS LEVEL message</c>, byte for byte the C implementation's format (the default).</summary>
    Text,

    /// <summary>One JSON object per line (Microsoft.Extensions.Logging's JSON console formatter), with the message's named values.</summary>
    Json,

    /// <summary>Syslog priority prefixes (<c>&lt;3&gt;</c> … <c>&lt;7&gt;</c>) for journald, no timestamp (journald adds its own).</summary>
    Systemd,
}
