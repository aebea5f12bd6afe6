using System.Text;

namespace Cpworker.Engine.Configuration;

/// <summary>What reading one configuration document shares: the problem list and the environment.</summary>
internal sealed class ConfigReadContext
{
    /// <summary>Longest expanded value: every expanded key is a path or a socket name, and PATH_MAX is 4096.</summary>
    internal const int MaxExpandedLength = 4096;

    /// <summary>Characters of a value a message quotes; longer values are cut (their length is said).</summary>
    internal const int MaxQuoted = 120;

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
    /// Expands <c>$VAR</c> and <c>${VAR}</c>; <c>$$</c> is a literal dollar sign. An unset variable,
    /// a malformed reference or a result longer than <see cref="MaxExpandedLength"/> is an error at
    /// <paramref name="path"/>; the result is then null. Expansion stops at that length, so a huge
    /// variable used many times costs no more than one path.
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
                    Diagnostics.Error(path, $"unterminated ${{ in {Quote(value)}");
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
                Diagnostics.Error(path, $"{Quote(value)} has a malformed variable reference (use $NAME or ${{NAME}})");
                return null;
            }

            string? v = Environment(name);
            if (v is null)
            {
                Diagnostics.Error(path, $"environment variable {Cut(name)} is not set (used in {Quote(value)})");
                ok = false;
                continue;
            }

            if (sb.Length + v.Length > MaxExpandedLength)
            {
                Diagnostics.Error(path, $"{Quote(value)} expands to more than {MaxExpandedLength} characters (variable {Cut(name)} holds {v.Length})");
                return null;
            }

            sb.Append(v);
        }

        if (sb.Length > MaxExpandedLength)
        {
            Diagnostics.Error(path, $"{Quote(value)} is longer than {MaxExpandedLength} characters");
            return null;
        }

        return ok ? sb.ToString() : null;
    }

    /// <summary><paramref name="value"/> in double quotes, cut to <see cref="MaxQuoted"/> characters with its length said when longer.</summary>
    internal static string Quote(string value) =>
        value.Length <= MaxQuoted ? $"\"{value}\"" : $"\"{value[..MaxQuoted]}…\" ({value.Length} characters)";

    /// <summary><paramref name="value"/> cut to <see cref="MaxQuoted"/> characters, for names in messages.</summary>
    internal static string Cut(string value) => value.Length <= MaxQuoted ? value : $"{value[..MaxQuoted]}… ({value.Length} characters)";
}
