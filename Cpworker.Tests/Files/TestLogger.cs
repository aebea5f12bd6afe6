using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Files;

/// <summary>An <see cref="ILogger"/> that keeps every line, for asserting what an output logged. Thread-safe.</summary>
internal sealed class TestLogger : ILogger
{
    private readonly List<(LogLevel Level, string Text)> _lines = [];

    /// <summary>Lines logged so far.</summary>
    public IReadOnlyList<(LogLevel Level, string Text)> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Number of lines at <paramref name="level"/> that contain <paramref name="text"/>.</summary>
    public int Count(LogLevel level, string text) =>
        Lines.Count(l => l.Level == level && l.Text.Contains(text, StringComparison.Ordinal));

    /// <summary>Every line, for failure messages.</summary>
    public override string ToString() => string.Join("\n", Lines.Select(l => $"{l.Level}: {l.Text}"));

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines)
        {
            _lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
