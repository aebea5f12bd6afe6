using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs;

namespace Cpworker.Tests.Configuration;

/// <summary>Builds configs for tests by editing a minimal valid one, loads them and checks diagnostics.</summary>
internal static partial class ConfigTestSupport
{
    /// <summary>Every output type cpworker knows.</summary>
    public static readonly OutputTypeRegistry Registry = StandardOutputs.CreateRegistry();

    /// <summary>The environment tests load with: only <c>PCAP_STORE_PATH</c> is set.</summary>
    public static readonly IReadOnlyDictionary<string, string> TestEnvironment = new Dictionary<string, string>
    {
        ["PCAP_STORE_PATH"] = "/var/lib/pcap",
    };

    /// <summary>The smallest valid config: one live task on eth0 with one <c>null</c> output.</summary>
    public const string Minimal = """
        {
            "tasks": [
                {
                    "capturer": { "type": "libpcap", "libpcap": { "interface": "eth0" } },
                    "outputs": [ { "type": "null" } ]
                }
            ]
        }
        """;

    /// <summary>Loads <paramref name="json"/> with <see cref="TestEnvironment"/> (or <paramref name="environment"/>).</summary>
    public static ConfigLoadResult Load(string json, IReadOnlyDictionary<string, string>? environment = null)
    {
        IReadOnlyDictionary<string, string> env = environment ?? TestEnvironment;
        return ConfigLoader.Load(json, Registry, name => env.TryGetValue(name, out string? v) ? v : null);
    }

    /// <summary>
    /// <see cref="Minimal"/> (or <paramref name="json"/>) edited: <c>"a.b[1].c=JSON"</c> sets a value
    /// (creating objects on the way; an index one past the end appends), <c>"-a.b"</c> removes it.
    /// </summary>
    public static string Edit(string json, params string[] edits)
    {
        JsonNode root = JsonNode.Parse(json)!;
        foreach (string edit in edits)
        {
            if (edit.StartsWith('-'))
            {
                (JsonNode parent, object key) = Navigate(root, edit[1..]);
                if (key is string name)
                {
                    parent.AsObject().Remove(name);
                }
                else
                {
                    parent.AsArray().RemoveAt((int)key);
                }

                continue;
            }

            int eq = edit.IndexOf('=');
            (JsonNode p, object k) = Navigate(root, edit[..eq]);
            JsonNode? value = JsonNode.Parse(edit[(eq + 1)..]);
            if (k is string n)
            {
                p.AsObject()[n] = value;
            }
            else if ((int)k == p.AsArray().Count)
            {
                p.AsArray().Add(value);
            }
            else
            {
                p.AsArray()[(int)k] = value;
            }
        }

        return root.ToJsonString();
    }

    /// <summary><see cref="Minimal"/> with its one output replaced by <c>{"type": type, type: section}</c>.</summary>
    public static string WithOutput(string type, string sectionJson) =>
        Edit(Minimal, $$"""tasks[0].outputs[0]={"type":"{{type}}","{{type}}":{{sectionJson}}}""");

    /// <summary>Asserts that loading failed with exactly one error, at <paramref name="path"/>, whose message contains <paramref name="fragment"/>.</summary>
    public static void AssertSingleError(ConfigLoadResult result, string path, string fragment)
    {
        Assert.That(result.Config, Is.Null, "a config with errors must not be returned");
        ConfigDiagnostic[] errors = result.Diagnostics.Errors.ToArray();
        Assert.That(errors.Select(e => e.Path), Is.EqualTo(new[] { path }), Dump(result));
        Assert.That(errors[0].Message, Does.Contain(fragment), Dump(result));
    }

    /// <summary>Asserts a valid config without any warning.</summary>
    public static CpworkerConfig AssertClean(ConfigLoadResult result)
    {
        Assert.That(result.Diagnostics.Items, Is.Empty, Dump(result));
        Assert.That(result.Config, Is.Not.Null);
        return result.Config!;
    }

    /// <summary>Asserts a valid config with exactly one warning, at <paramref name="path"/>, containing <paramref name="fragment"/>.</summary>
    public static CpworkerConfig AssertSingleWarning(ConfigLoadResult result, string path, string fragment)
    {
        Assert.That(result.Config, Is.Not.Null, Dump(result));
        Assert.That(result.Diagnostics.Items.Select(d => (d.Severity, d.Path)), Is.EqualTo(new[] { (ConfigSeverity.Warning, path) }), Dump(result));
        Assert.That(result.Diagnostics.Items[0].Message, Does.Contain(fragment), Dump(result));
        return result.Config!;
    }

    /// <summary>All diagnostics, one per line, for assertion messages.</summary>
    public static string Dump(ConfigLoadResult result) =>
        "diagnostics:\n" + string.Join("\n", result.Diagnostics.Items.Select(d => $"  {d.Severity}: {d}"));

    private static (JsonNode Parent, object Key) Navigate(JsonNode root, string path)
    {
        var keys = new List<object>();
        foreach (Match m in PathSegment().Matches(path))
        {
            keys.Add(m.Groups["name"].Success ? m.Groups["name"].Value : int.Parse(m.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        JsonNode node = root;
        for (int i = 0; i < keys.Count - 1; i++)
        {
            node = keys[i] is string name
                ? node.AsObject()[name] ??= keys[i + 1] is string ? new JsonObject() : new JsonArray()
                : node.AsArray()[(int)keys[i]]!;
        }

        return (node, keys[^1]);
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();
}
