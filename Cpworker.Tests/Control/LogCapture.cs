using System.Text;

namespace Cpworker.Tests.Control;

/// <summary>A thread-safe writer that keeps the daemon's log lines for assertions.</summary>
internal sealed class LogCapture : TextWriter
{
    private readonly StringBuilder _text = new();

    /// <inheritdoc/>
    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>True when a line containing <paramref name="text"/> was written.</summary>
    public bool Contains(string text) => Text.Contains(text, StringComparison.Ordinal);

    /// <summary>How many times <paramref name="text"/> occurs.</summary>
    public int Count(string text)
    {
        string all = Text;
        int n = 0;
        for (int i = all.IndexOf(text, StringComparison.Ordinal); i >= 0; i = all.IndexOf(text, i + text.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    /// <inheritdoc/>
    public override void Write(char value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void Write(string? value)
    {
        lock (_text)
        {
            _text.Append(value);
        }
    }

    /// <inheritdoc/>
    public override void WriteLine(string? value)
    {
        lock (_text)
        {
            _text.Append(value).Append('\n');
        }
    }
}
