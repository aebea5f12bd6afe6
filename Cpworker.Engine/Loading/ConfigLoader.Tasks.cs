using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Loading;

internal static partial class ConfigLoader
{
    /// <summary>Longest task <c>name</c>.</summary>
    public const int MaxTaskNameLength = 64;

    private static IReadOnlyList<TaskConfig> ReadTasks(ConfigObject root, OutputTypeRegistry outputTypes)
    {
        var tasks = new List<TaskConfig>();

        // What must be unique across tasks, each mapped to the path of its first holder.
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (ConfigObject t in root.ObjectArray("tasks", required: true))
        {
            int index = IndexOf(t);
            string? fingerprint = t.String("fingerprint");
            if (string.IsNullOrEmpty(fingerprint))
            {
                fingerprint = null;
            }
            else if (!fingerprints.TryAdd(fingerprint, t.Path))
            {
                t.Error("fingerprint", $"\"{fingerprint}\" is already the fingerprint of {fingerprints[fingerprint]}; fingerprints identify tasks and must be unique");
            }

            string name = ReadTaskName(t, index);
            if (!names.TryAdd(name, t.Path))
            {
                if (t.Has("name"))
                {
                    t.Error("name", $"\"{name}\" is already the name of {names[name]}; task names must be unique");
                }
                else
                {
                    t.ErrorHere($"its default name \"{name}\" is already the name of {names[name]}; give this task a \"name\"");
                }
            }

            DirectionConfig? direction = ReadReqPattern(t);
            CaptureConfig? capturer = ReadCapturer(t);
            IReadOnlyList<OutputConfig> outputs = OutputCountWithin(t) ? ReadOutputs(t, outputTypes) : [];
            t.WarnUnknownKeys();
            foreach (OutputConfig output in outputs)
            {
                string? resource = output.Settings.ExclusiveResource;
                string sectionPath = $"{t.Path}.outputs[{output.Index}].{output.Type}";
                if (resource is not null && !resources.TryAdd(resource, sectionPath))
                {
                    root.Diagnostics.Error(sectionPath, $"conflicts with {resources[resource]}: both use {resource}; two outputs cannot write to the same place");
                }
            }

            if (capturer is not null)
            {
                tasks.Add(new TaskConfig
                {
                    Index = index,
                    Name = name,
                    Fingerprint = fingerprint,
                    ReqPattern = direction,
                    Capturer = capturer,
                    Outputs = outputs,
                    Identity = fingerprint is null ? "config:" + CanonicalJson(t.Element) : "fingerprint:" + fingerprint,
                });
            }
        }

        return tasks;
    }

    private static string ReadTaskName(ConfigObject t, int index)
    {
        string fallback = "task-" + index.ToString(CultureInfo.InvariantCulture);
        string? name = t.String("name");
        if (name is null)
        {
            return fallback;
        }

        if (name.Length is 0 or > MaxTaskNameLength ||
            !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            t.Error("name", $"\"{name}\" is not a valid task name (1 … {MaxTaskNameLength} letters, digits, '.', '_' or '-')");
            return fallback;
        }

        return name;
    }

    private static IReadOnlyList<OutputConfig> ReadOutputs(ConfigObject t, OutputTypeRegistry outputTypes)
    {
        var outputs = new List<OutputConfig>();
        foreach (ConfigObject o in t.ObjectArray("outputs", required: true))
        {
            OutputConfig? output = ReadOutput(o, IndexOf(o), outputTypes);
            if (output is not null)
            {
                outputs.Add(output);
            }
        }

        return outputs;
    }

    private static OutputConfig? ReadOutput(ConfigObject o, int index, OutputTypeRegistry outputTypes)
    {
        string? typeName = o.String("type", required: true);

        // The manual's template carries an object for every type; only the chosen one is read.
        foreach (string other in outputTypes.Names)
        {
            if (other != typeName)
            {
                o.Ignore(other);
            }
        }

        int? rateLimit = o.Int32("rate_limit_mbps");
        int? slice = o.Int32("slice");
        OutputSettings? settings = null;
        OutputType? type = null;
        if (typeName is not null && !outputTypes.TryGet(typeName, out type))
        {
            o.Error("type", $"unknown output type \"{typeName}\"; known types: {string.Join(", ", outputTypes.Names)}");
            o.Ignore(typeName);
        }

        if (type is not null)
        {
            bool present = o.Has(type.Name);
            ConfigObject? section = o.Object(type.Name);

            // A section that is there but not an object has been reported; parsing it as absent would report it twice.
            if (section is not null || !present)
            {
                settings = type.Parse(section, o.PathOf(type.Name), o.Diagnostics);
            }
        }

        o.WarnUnknownKeys();
        if (type is null || settings is null)
        {
            return null;
        }

        return new OutputConfig
        {
            Index = index,
            Type = type.Name,
            RateLimitMbps = rateLimit ?? 0,
            Slice = slice ?? 0,
            Settings = settings,
        };
    }

    /// <summary>The position of an array element from its path (<c>tasks[3]</c> → 3).</summary>
    private static int IndexOf(ConfigObject element)
    {
        string path = element.Path;
        int open = path.LastIndexOf('[');
        return int.Parse(path.AsSpan(open + 1, path.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The value as compact JSON with object keys sorted (ordinal) at every level, so that two
    /// tasks differing only in layout, comments or key order have the same identity.
    /// </summary>
    public static string CanonicalJson(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteCanonical(writer, element);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                // Duplicate keys: the last one counts, as everywhere else in the loader.
                var properties = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (JsonProperty p in element.EnumerateObject())
                {
                    properties[p.Name] = p.Value;
                }

                foreach (KeyValuePair<string, JsonElement> p in properties)
                {
                    writer.WritePropertyName(p.Key);
                    WriteCanonical(writer, p.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (JsonElement e in element.EnumerateArray())
                {
                    WriteCanonical(writer, e);
                }

                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
