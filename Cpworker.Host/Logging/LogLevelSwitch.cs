using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Logging;

/// <summary>The daemon's current log level; changed live by reload and <c>set_log_level</c>.</summary>
internal sealed class LogLevelSwitch
{
    private volatile int _level;

    /// <summary>Creates the switch at <paramref name="level"/>.</summary>
    public LogLevelSwitch(LogLevel level) => _level = (int)level;

    /// <summary>Lowest level written.</summary>
    public LogLevel Level
    {
        get => (LogLevel)_level;
        set => _level = (int)value;
    }

    /// <summary>The config spelling of a level: DEBUG, INFO, WARN, ERROR.</summary>
    public static string Name(LogLevel level) => level switch
    {
        LogLevel.Trace or LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        _ => "ERROR",
    };

    /// <summary>Parses DEBUG/INFO/WARN/ERROR, case-insensitive.</summary>
    public static bool TryParse(string? text, out LogLevel level)
    {
        switch (text?.ToUpperInvariant())
        {
            case "DEBUG": level = LogLevel.Debug; return true;
            case "INFO": level = LogLevel.Information; return true;
            case "WARN": level = LogLevel.Warning; return true;
            case "ERROR": level = LogLevel.Error; return true;
            default: level = LogLevel.None; return false;
        }
    }
}
