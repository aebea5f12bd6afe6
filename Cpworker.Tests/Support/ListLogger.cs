using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Support;

/// <summary>A logger that keeps every line, for tests that check what was logged.</summary>
internal sealed class ListLogger : ILogger, ILoggerFactory
{
    private readonly List<(LogLevel Level, string Message)> _lines = new();

    /// <summary>Every line logged so far.</summary>
    public IReadOnlyList<(LogLevel Level, string Message)> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>True when a line containing <paramref name="text"/> was logged.</summary>
    public bool Contains(string text) => Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal));

    /// <inheritdoc/>
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc/>
    public bool IsEnabled(LogLevel logLevel) => true;

    /// <inheritdoc/>
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception) + (exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]");
        lock (_lines)
        {
            _lines.Add((logLevel, message));
        }
    }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => this;

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider)
    {
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
