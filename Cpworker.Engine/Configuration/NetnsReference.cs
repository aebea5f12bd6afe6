namespace Cpworker.Engine.Configuration;

/// <summary>
/// What a task's <c>netns</c> names: a path, or something that survives a restart of the process
/// behind the namespace (a name, a pod, a container, a cgroup). Resolved to a namespace on every
/// (re)start of the task and watched while it runs (docs/deploy.md, "Pod-aware capture").
/// </summary>
/// <param name="Kind">Which form the configuration used.</param>
/// <param name="Value">The path, name, id, UID or cgroup path as configured (variables expanded).</param>
internal sealed record NetnsReference(NetnsReferenceKind Kind, string Value)
{
    /// <summary>Where named namespaces live (<c>ip netns add</c>).</summary>
    public const string NamedNamespaceDirectory = "/var/run/netns";

    /// <summary>For messages: the path as configured, or <c>pod_uid 1234…</c>.</summary>
    public override string ToString() => Kind switch
    {
        NetnsReferenceKind.Path => Value,
        NetnsReferenceKind.Name => $"name {Value}",
        NetnsReferenceKind.ContainerId => $"container_id {Value}",
        NetnsReferenceKind.PodUid => $"pod_uid {Value}",
        _ => $"cgroup {Value}",
    };

    /// <summary>True when the namespace is found through a process's cgroup (resolution scans <c>/proc</c>).</summary>
    public bool IsCgroupBased => Kind is NetnsReferenceKind.ContainerId or NetnsReferenceKind.PodUid or NetnsReferenceKind.Cgroup;
}
