using System.Text.Json;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>Reads <c>libpcap.netns</c> in either form (docs/configuration.md).</summary>
internal static class NetnsConfigReader
{
    /// <summary>
    /// <c>netns</c>: a path string (C-compatible), or an object with exactly one of <c>name</c>,
    /// <c>container_id</c>, <c>pod_uid</c>, <c>cgroup</c>; null when absent, empty or invalid (reported).
    /// </summary>
    public static NetnsReference? Read(ConfigObject libpcap)
    {
        JsonElement? raw = libpcap.Raw("netns");
        if (raw is null || raw.Value.ValueKind != JsonValueKind.Object)
        {
            string? path = libpcap.ExpandedString("netns");
            return string.IsNullOrEmpty(path) ? null : new NetnsReference(NetnsReferenceKind.Path, path);
        }

        ConfigObject? o = libpcap.Object("netns");
        if (o is null)
        {
            return null;
        }

        (string Key, NetnsReferenceKind Kind)[] forms =
            [("name", NetnsReferenceKind.Name), ("container_id", NetnsReferenceKind.ContainerId), ("pod_uid", NetnsReferenceKind.PodUid), ("cgroup", NetnsReferenceKind.Cgroup)];
        var given = forms.Where(f => o.Has(f.Key)).ToList();
        if (given.Count != 1)
        {
            libpcap.Error("netns", $"must name exactly one of {string.Join(", ", forms.Select(f => f.Key))} (or be a path string); {(given.Count == 0 ? "none" : string.Join(" and ", given.Select(f => f.Key)))} given");
            return null;
        }

        string? value = o.ExpandedString(given[0].Key, required: true);
        o.WarnUnknownKeys();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var reference = new NetnsReference(given[0].Kind, value);
        if (reference.Kind == NetnsReferenceKind.Name && (value.Contains('/') || value is "." or ".."))
        {
            o.Error("name", $"\"{value}\" is not a namespace name (ip netns add NAME; no /)");
            return null;
        }

        if (Capture.Namespaces.CgroupMatcher.Check(reference) is { } problem)
        {
            o.Error(given[0].Key, problem);
            return null;
        }

        return reference;
    }
}
