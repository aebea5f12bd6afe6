using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Support;

/// <summary>A logger that keeps every line, for tests that check what was logged.</summary>
internal sealed class ListLogger : ILogger
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

    /// <summary>Number of lines at <paramref name="level"/> that contain <paramref name="text"/>.</summary>
    public int Count(LogLevel level, string text) =>
        Lines.Count(l => l.Level == level && l.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>Every line, for failure messages.</summary>
    public override string ToString() => string.Join("\n", Lines.Select(l => $"{l.Level}: {l.Message}"));

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

    /// <summary>The lines at <paramref name="level"/>.</summary>
    public List<string> At(LogLevel level) => Lines.Where(l => l.Level == level).Select(l => l.Message).ToList();

    /// <summary>A logger factory whose every logger is this one (for the engine).</summary>
    public ILoggerFactory Factory => new SingleLoggerFactory(this);

    private sealed class SingleLoggerFactory(ILogger logger) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }
    }
}
