using System.Text.Json;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// Finds JSON strings no configuration value can hold, once after parsing, so that every later
/// read of the document is safe: a <c>\uD800</c>-style escape of half a UTF-16 surrogate pair is
/// valid JSON syntax but throws deep inside the reader, and a <c>\u0000</c> would cut a path, a
/// filter or a name short where it reaches C (libc, libpcap).
/// </summary>
internal static class JsonUnicode
{
    /// <summary>The message for a string or key with half a surrogate pair.</summary>
    public const string UnpairedSurrogate = "contains a \\u escape of an unpaired UTF-16 surrogate (\\uD800 … \\uDFFF without its pair); strings must be valid Unicode";

    /// <summary>The message for a string or key with a NUL character.</summary>
    public const string Nul = "must not contain a NUL character (\\u0000)";

    /// <summary>The JSON path and problem of the first string or key that cannot be used; null when every one can.</summary>
    public static (string Path, string Problem)? FirstProblem(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Check(element.GetString) is { } problem ? (path, problem) : null;
            case JsonValueKind.Object:
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    string? name = null;
                    if (Check(() => name = p.Name) is { } keyProblem)
                    {
                        return (path, $"a key {keyProblem}");
                    }

                    if (FirstProblem(p.Value, path.Length == 0 ? name! : $"{path}.{name}") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement e in element.EnumerateArray())
                {
                    if (FirstProblem(e, $"{path}[{i++}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string? Check(Func<string?> read)
    {
        try
        {
            return read()?.Contains('\0', StringComparison.Ordinal) == true ? Nul : null;
        }
        catch (InvalidOperationException)
        {
            return UnpairedSurrogate;
        }
    }
}
