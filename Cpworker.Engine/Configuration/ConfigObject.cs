using System.Globalization;
using System.Text.Json;

namespace Cpworker.Engine.Configuration;

/// <summary>
/// A JSON object being read as configuration. Every accessor knows the value's JSON path, reports
/// type and range problems to the shared <see cref="ConfigDiagnostics"/> instead of throwing, and
/// remembers which keys were read so that the rest can be warned about as unknown.
/// </summary>
public sealed class ConfigObject
{
    /// <summary>The object being read.</summary>
    private readonly JsonElement _element;

    /// <summary>Keys read so far; anything else is unknown.</summary>
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private ConfigObject(JsonElement element, string path, ConfigReadContext context)
    {
        _element = element;
        Path = path;
        Context = context;
    }

    /// <summary>JSON path of this object (<c>tasks[0].capturer.libpcap</c>).</summary>
    public string Path { get; }

    /// <summary>Where problems go, and how variables are expanded.</summary>
    internal ConfigReadContext Context { get; }

    /// <summary>The shared problem list.</summary>
    public ConfigDiagnostics Diagnostics => Context.Diagnostics;

    /// <summary>The raw JSON of this object.</summary>
    public JsonElement Element => _element;

    /// <summary>Wraps the document root; reports an error and returns null when it is not an object.</summary>
    internal static ConfigObject? Root(JsonElement element, ConfigReadContext context)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            context.Diagnostics.Error("", $"the configuration must be a JSON object, not {Describe(element)}");
            return null;
        }

        return new ConfigObject(element, "", context);
    }

    /// <summary>The JSON path of <paramref name="key"/> inside this object.</summary>
    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>True when the key is present (null counts as absent).</summary>
    public bool Has(string key) =>
        _element.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>Marks keys as known without reading them (sibling objects the config may carry).</summary>
    public void Ignore(params string[] keys)
    {
        foreach (string k in keys)
        {
            _read.Add(k);
        }
    }

    /// <summary>The raw value of a key, marking it as read; null when absent or JSON null.</summary>
    public JsonElement? Raw(string key)
    {
        _read.Add(key);
        return _element.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v : null;
    }

    /// <summary>A string value; null when absent (an error when <paramref name="required"/>) or of the wrong type.</summary>
    public string? String(string key, bool required = false)
    {
        JsonElement? v = Raw(key);
        if (v is null)
        {
            return Missing<string>(key, required);
        }

        if (v.Value.ValueKind != JsonValueKind.String)
        {
            Diagnostics.Error(PathOf(key), $"must be a string, not {Describe(v.Value)}");
            return null;
        }

        return v.Value.GetString();
    }

    /// <summary>A string with <c>$VAR</c>/<c>${VAR}</c> expanded from the environment; an unset variable is an error.</summary>
    public string? ExpandedString(string key, bool required = false)
    {
        string? raw = String(key, required);
        return raw is null ? null : Context.Expand(raw, PathOf(key));
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; null when absent or invalid (reported).</summary>
    public long? Integer(string key, long min, long max, bool required = false)
    {
        JsonElement? v = Raw(key);
        if (v is null)
        {
            return Missing<long?>(key, required);
        }

        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetInt64(out long n))
        {
            Diagnostics.Error(PathOf(key), v.Value.ValueKind == JsonValueKind.Number
                ? $"must be a whole number between {min} and {max}, not {v.Value.GetRawText()}"
                : $"must be a number, not {Describe(v.Value)}");
            return null;
        }

        if (n < min || n > max)
        {
            Diagnostics.Error(PathOf(key), $"must be between {min} and {max}, not {n}");
            return null;
        }

        return n;
    }

    /// <summary>An integer without range check beyond 64 bits; for values the caller clamps with a warning.</summary>
    public long? AnyInteger(string key, bool required = false) => Integer(key, long.MinValue, long.MaxValue, required);

    /// <summary>A boolean; null when absent or invalid (reported).</summary>
    public bool? Boolean(string key, bool required = false)
    {
        JsonElement? v = Raw(key);
        if (v is null)
        {
            return Missing<bool?>(key, required);
        }

        if (v.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return v.Value.GetBoolean();
        }

        Diagnostics.Error(PathOf(key), $"must be true or false, not {Describe(v.Value)}");
        return null;
    }

    /// <summary>A nested object; null when absent (an error when required) or not an object.</summary>
    public ConfigObject? Object(string key, bool required = false)
    {
        JsonElement? v = Raw(key);
        if (v is null)
        {
            return Missing<ConfigObject>(key, required);
        }

        if (v.Value.ValueKind != JsonValueKind.Object)
        {
            Diagnostics.Error(PathOf(key), $"must be an object, not {Describe(v.Value)}");
            return null;
        }

        return new ConfigObject(v.Value, PathOf(key), Context);
    }

    /// <summary>The elements of an array of objects with their paths; empty when absent or invalid (reported).</summary>
    public IReadOnlyList<ConfigObject> ObjectArray(string key, bool required = false)
    {
        JsonElement? v = Raw(key);
        if (v is null)
        {
            Missing<ConfigObject>(key, required);
            return [];
        }

        if (v.Value.ValueKind != JsonValueKind.Array)
        {
            Diagnostics.Error(PathOf(key), $"must be an array, not {Describe(v.Value)}");
            return [];
        }

        var items = new List<ConfigObject>();
        int i = 0;
        foreach (JsonElement e in v.Value.EnumerateArray())
        {
            string p = $"{PathOf(key)}[{i}]";
            if (e.ValueKind != JsonValueKind.Object)
            {
                Diagnostics.Error(p, $"must be an object, not {Describe(e)}");
            }
            else
            {
                items.Add(new ConfigObject(e, p, Context));
            }

            i++;
        }

        return items;
    }

    /// <summary>Warns about every key of this object that was neither read nor ignored.</summary>
    public void WarnUnknownKeys()
    {
        foreach (JsonProperty p in _element.EnumerateObject())
        {
            if (!_read.Contains(p.Name))
            {
                string? meant = KeySuggestion.Closest(p.Name, _read);
                Diagnostics.Warning(PathOf(p.Name), meant is null ? "unknown key, ignored" : $"unknown key, ignored; did you mean \"{meant}\"?");
            }
        }
    }

    /// <summary>Reports an error about <paramref name="key"/>.</summary>
    public void Error(string key, string message) => Diagnostics.Error(PathOf(key), message);

    /// <summary>Reports a warning about <paramref name="key"/>.</summary>
    public void Warning(string key, string message) => Diagnostics.Warning(PathOf(key), message);

    /// <summary>Reports an error about this object as a whole.</summary>
    public void ErrorHere(string message) => Diagnostics.Error(Path, message);

    /// <summary>Reports a warning about this object as a whole.</summary>
    public void WarningHere(string message) => Diagnostics.Warning(Path, message);

    /// <summary>A short description of a JSON value for messages: <c>a string ("abc")</c>, <c>an array</c>.</summary>
    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"a string (\"{v.GetString()}\")",
        JsonValueKind.Number => $"a number ({v.GetRawText()})",
        JsonValueKind.True or JsonValueKind.False => $"a boolean ({v.GetRawText()})",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => v.ValueKind.ToString(),
    };

    private T? Missing<T>(string key, bool required)
    {
        if (required)
        {
            Diagnostics.Error(PathOf(key), "is required");
        }

        return default;
    }

    /// <summary>Formats a number for messages the same way everywhere.</summary>
    internal static string Format(long n) => n.ToString(CultureInfo.InvariantCulture);
}
