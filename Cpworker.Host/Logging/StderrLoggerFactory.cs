using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Logging;

/// <summary>
/// Logs to stderr as docs/operations.md, "The log" describes: <c>YYYY-mm-ddTHH:MM:SS LEVEL message</c>, one line per
/// event, never interleaved (a single lock around each whole line).
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _writer;
    private readonly object _lock = new();

    /// <summary>Creates the factory writing to <paramref name="writer"/> (stderr by default).</summary>
    public StderrLoggerFactory(LogLevelSwitch level, TextWriter? writer = null)
    {
        Level = level;
        _writer = writer ?? Console.Error;
    }

    /// <summary>The level filter shared by every logger of this factory.</summary>
    public LogLevelSwitch Level { get; }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new StderrLogger(this);

    /// <inheritdoc/>
    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("cpworker logs to stderr only");

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Writes one formatted line.</summary>
    internal void Write(LogLevel level, string message, Exception? exception)
    {
        string text = message.ReplaceLineEndings(" ");
        if (exception is not null && !text.Contains(exception.Message, StringComparison.Ordinal))
        {
            text += $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})";
        }

        string line = $"{DateTime.Now:yyyy-MM-ddTHH:mm:ss} {LogLevelSwitch.Name(level)} {text}";
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    private sealed class StderrLogger : ILogger
    {
        private readonly StderrLoggerFactory _factory;

        public StderrLogger(StderrLoggerFactory factory) => _factory = factory;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _factory.Level.Level;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _factory.Write(logLevel, formatter(state, exception), exception);
            }
        }
    }
}
