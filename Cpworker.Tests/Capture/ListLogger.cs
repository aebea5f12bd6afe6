using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Capture;

/// <summary>Keeps every log line, formatted, for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<(LogLevel Level, string Message)> _lines = [];

    /// <summary>The lines logged so far.</summary>
    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Lines at <paramref name="level"/>.</summary>
    public List<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Message).ToList();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
