using System.Text;

namespace Cpworker.Engine.Configuration;

/// <summary>What reading one configuration document shares: the problem list and the environment.</summary>
internal sealed class ConfigReadContext
{
    /// <summary>Creates a context; <paramref name="environment"/> defaults to the process environment.</summary>
    public ConfigReadContext(ConfigDiagnostics diagnostics, Func<string, string?>? environment = null)
    {
        Diagnostics = diagnostics;
        Environment = environment ?? System.Environment.GetEnvironmentVariable;
    }

    /// <summary>Where problems go.</summary>
    public ConfigDiagnostics Diagnostics { get; }

    /// <summary>Looks up an environment variable.</summary>
    public Func<string, string?> Environment { get; }

    /// <summary>
    /// Expands <c>$VAR</c> and <c>${VAR}</c>; <c>$$</c> is a literal dollar sign. An unset variable
    /// or a malformed reference is an error at <paramref name="path"/>; the result is then null.
    /// </summary>
    public string? Expand(string value, string path)
    {
        if (!value.Contains('$'))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        bool ok = true;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c != '$')
            {
                sb.Append(c);
                continue;
            }

            if (i + 1 < value.Length && value[i + 1] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            string name;
            if (i + 1 < value.Length && value[i + 1] == '{')
            {
                int close = value.IndexOf('}', i + 2);
                if (close < 0)
                {
                    Diagnostics.Error(path, $"unterminated ${{ in \"{value}\"");
                    return null;
                }

                name = value.Substring(i + 2, close - i - 2);
                i = close;
            }
            else
            {
                int start = i + 1;
                int end = start;
                while (end < value.Length && (char.IsAsciiLetterOrDigit(value[end]) || value[end] == '_'))
                {
                    end++;
                }

                name = value.Substring(start, end - start);
                i = end - 1;
            }

            if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') ||
                !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            {
                Diagnostics.Error(path, $"\"{value}\" has a malformed variable reference (use $NAME or ${{NAME}})");
                return null;
            }

            string? v = Environment(name);
            if (v is null)
            {
                Diagnostics.Error(path, $"environment variable {name} is not set (used in \"{value}\")");
                ok = false;
                continue;
            }

            sb.Append(v);
        }

        return ok ? sb.ToString() : null;
    }
}
