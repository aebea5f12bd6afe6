namespace Cpworker.Engine.Configuration;

/// <summary>How a task's <c>netns</c> names its network namespace (docs/deploy.md, "Pod-aware capture").</summary>
internal enum NetnsReferenceKind
{
    /// <summary>A string: a path to a namespace file (<c>/var/run/netns/NAME</c>, <c>/proc/PID/ns/net</c>), as the C implementation.</summary>
    Path,

    /// <summary><c>{"name": …}</c>: a namespace named by <c>ip netns add</c>, under <c>/var/run/netns</c>.</summary>
    Name,

    /// <summary><c>{"container_id": …}</c>: a process of a container whose cgroup path carries this id (containerd, CRI-O, docker).</summary>
    ContainerId,

    /// <summary><c>{"pod_uid": …}</c>: a process of a Kubernetes pod whose cgroup path carries this UID (systemd and cgroupfs drivers).</summary>
    PodUid,

    /// <summary><c>{"cgroup": …}</c>: a process in this cgroup or below it.</summary>
    Cgroup,
}
