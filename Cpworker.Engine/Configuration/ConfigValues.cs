using System.Text;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// Value readers shared by the loader and the output types' parsers, on top of
/// <see cref="ConfigObject"/>: each reports a problem at the value's JSON path and returns null.
/// </summary>
public static class ConfigValues
{
    /// <summary>Longest interface name Linux accepts (IFNAMSIZ − 1).</summary>
    public const int MaxInterfaceNameBytes = 15;

    /// <summary>A 32-bit unsigned integer (<c>service_tag</c>, <c>vni1</c>, <c>vni2</c>).</summary>
    public static uint? UInt32(this ConfigObject o, string key, bool required = false) =>
        (uint?)o.Integer(key, 0, uint.MaxValue, required);

    /// <summary>An integer that fits an <see cref="int"/> and lies in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static int? Int32(this ConfigObject o, string key, int min = 0, int max = int.MaxValue, bool required = false) =>
        (int?)o.Integer(key, min, max, required);

    /// <summary>
    /// A whole number of any size, for values the caller clamps with a warning; a fraction or a
    /// number beyond 64 bits is an error that does not quote the 64-bit range.
    /// </summary>
    public static long? WholeNumber(this ConfigObject o, string key)
    {
        if (o.Raw(key) is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } v && !v.TryGetInt64(out _))
        {
            o.Error(key, $"must be a whole number, not {v.GetRawText()}");
            return null;
        }

        return o.AnyInteger(key);
    }

    /// <summary>
    /// One of <paramref name="choices"/> (exact, case-sensitive): its index, or null when absent or
    /// not one of them (reported).
    /// </summary>
    public static int? Choice(this ConfigObject o, string key, IReadOnlyList<string> choices, bool required = false)
    {
        string? s = o.String(key, required);
        if (s is null)
        {
            return null;
        }

        for (int i = 0; i < choices.Count; i++)
        {
            if (choices[i] == s)
            {
                return i;
            }
        }

        o.Error(key, $"must be {Alternatives(choices)}, not \"{s}\"");
        return null;
    }

    /// <summary>An output's <c>host</c>: an IPv4/IPv6 literal or a DNS name (<see cref="HostSyntax"/>).</summary>
    public static string? Host(this ConfigObject o, string key, bool required = false)
    {
        string? s = o.String(key, required);
        if (s is null)
        {
            return null;
        }

        string? problem = HostSyntax.Check(s);
        if (problem is not null)
        {
            o.Error(key, problem);
            return null;
        }

        return s;
    }

    /// <summary>
    /// A network interface name (<c>interface</c>, <c>bind_device</c>). An empty string counts as
    /// absent (the C implementation's "any") unless <paramref name="required"/>.
    /// </summary>
    public static string? InterfaceName(this ConfigObject o, string key, bool required = false)
    {
        string? s = o.String(key, required);
        if (s is null)
        {
            return null;
        }

        if (s.Length == 0)
        {
            if (required)
            {
                o.Error(key, "must not be empty");
            }

            return null;
        }

        if (Encoding.UTF8.GetByteCount(s) > MaxInterfaceNameBytes || s is "." or ".." ||
            s.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            o.Error(key, $"\"{s}\" is not a valid interface name (at most {MaxInterfaceNameBytes} bytes, no '/', ':' or spaces)");
            return null;
        }

        return s;
    }

    /// <summary>
    /// A file system path with <c>$VAR</c>/<c>${VAR}</c> expanded and made absolute against the
    /// current directory; null when absent, empty or invalid (reported).
    /// </summary>
    public static string? FullPath(this ConfigObject o, string key, bool required = false)
    {
        string? s = o.ExpandedString(key, required);
        if (s is null)
        {
            return null;
        }

        if (s.Length == 0)
        {
            o.Error(key, "must not be empty");
            return null;
        }

        if (s.Contains('\0'))
        {
            o.Error(key, "must not contain a NUL character");
            return null;
        }

        return Path.GetFullPath(s);
    }

    /// <summary>True when an error was reported after <paramref name="mark"/> (a former <c>Items.Count</c>).</summary>
    public static bool ErrorsSince(this ConfigDiagnostics diagnostics, int mark)
    {
        IReadOnlyList<ConfigDiagnostic> items = diagnostics.Items;
        for (int i = mark; i < items.Count; i++)
        {
            if (items[i].Severity == ConfigSeverity.Error)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>"a", "b" or "c"</c> for messages.</summary>
    public static string Alternatives(IReadOnlyList<string> choices)
    {
        if (choices.Count == 1)
        {
            return $"\"{choices[0]}\"";
        }

        return string.Join(", ", choices.Take(choices.Count - 1).Select(c => $"\"{c}\"")) + $" or \"{choices[^1]}\"";
    }
}
