using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Cpworker.Host.Logging;

/// <summary>
/// Logs to stderr as behaviour §8 asks: <c>YYYY-mm-ddTHH:MM:SS LEVEL message</c>, one line per
/// event, never interleaved (a single lock around each whole line); or, with
/// <c>--log-format json|systemd</c>, through Microsoft.Extensions.Logging's console formatters.
/// </summary>
internal sealed class StderrLoggerFactory : ILoggerFactory
{
    private readonly TextWriter _writer;
    private readonly object _lock = new();

    /// <summary>The JSON or systemd formatter; null for the C-compatible text format.</summary>
    private readonly ConsoleFormatter? _formatter;

    /// <summary>Creates the factory writing to <paramref name="writer"/> (stderr by default) in <paramref name="format"/>.</summary>
    public StderrLoggerFactory(LogLevelSwitch level, TextWriter? writer = null, LogFormat format = LogFormat.Text)
    {
        Level = level;
        _writer = writer ?? Console.Error;
        _formatter = ConsoleFormatters.Create(format);
    }

    /// <summary>The level filter shared by every logger of this factory.</summary>
    public LogLevelSwitch Level { get; }

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new StderrLogger(this, categoryName);

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

    /// <summary>Writes one event through the console formatter (the state keeps the message's named values).</summary>
    internal void Write<TState>(in LogEntry<TState> entry)
    {
        using var line = new StringWriter();
        _formatter!.Write(entry, null, line);
        lock (_lock)
        {
            _writer.Write(line.ToString());
            _writer.Flush();
        }
    }

    private sealed class StderrLogger : ILogger
    {
        private readonly StderrLoggerFactory _factory;
        private readonly string _category;

        public StderrLogger(StderrLoggerFactory factory, string category)
        {
            _factory = factory;
            _category = category;
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= _factory.Level.Level;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            if (_factory._formatter is null)
            {
                _factory.Write(logLevel, formatter(state, exception), exception);
            }
            else
            {
                _factory.Write(new LogEntry<TState>(logLevel, _category, eventId, state, exception, formatter));
            }
        }
    }
}
