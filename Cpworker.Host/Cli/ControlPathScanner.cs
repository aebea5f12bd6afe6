using System.Text.Json;

namespace Cpworker.Host.Cli;

/// <summary>
/// Finds <c>control.unix.path</c> in a configuration file token by token, so that <c>ctl -c FILE</c>
/// still reaches the daemon when the file has a syntax error after that value (a reload is
/// usually asked for right after editing the file).
/// </summary>
internal static class ControlPathScanner
{
    /// <summary>The path (null when absent or not reached) and the syntax error met first, if any.</summary>
    public static (string? Path, string? SyntaxError) Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });

        // Property names from the root to the current value; arrays push null.
        var stack = new List<string?>();
        string? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        pending = reader.GetString();
                        break;
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        stack.Add(reader.TokenType == JsonTokenType.StartObject ? pending : null);
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        stack.RemoveAt(stack.Count - 1);
                        break;
                    case JsonTokenType.String when pending == "path" && IsControlUnix(stack):
                        string? value = reader.GetString();
                        if (!string.IsNullOrEmpty(value))
                        {
                            return (value, null);
                        }

                        pending = null;
                        break;
                    default:
                        pending = null;
                        break;
                }
            }
        }
        catch (JsonException ex)
        {
            return (null, $"invalid JSON at line {(ex.LineNumber ?? 0) + 1}");
        }
        catch (InvalidOperationException)
        {
            // Half a surrogate pair (\uD800) is valid JSON syntax but no string.
            return (null, $"a string or key near byte {reader.TokenStartIndex} is not valid Unicode (an unpaired \\uD800 … \\uDFFF escape)");
        }

        return (null, null);
    }

    /// <summary>True inside <c>{ "control": { "unix": { … } } }</c> at the root.</summary>
    private static bool IsControlUnix(List<string?> stack) =>
        stack.Count == 3 && stack[0] is null && stack[1] == "control" && stack[2] == "unix";
}
