using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>
/// Decides whether a process belongs to a pod, a container or a cgroup from the paths in its
/// <c>/proc/PID/cgroup</c> (every hierarchy: cgroup v2 and the v1 hierarchies of hybrid hosts).
/// Layouts known (docs/deploy.md, "Pod-aware capture"): systemd driver
/// <c>kubepods-besteffort-pod&lt;uid_with_underscores&gt;.slice/cri-containerd-&lt;id&gt;.scope</c>
/// (also <c>crio-&lt;id&gt;.scope</c>, <c>docker-&lt;id&gt;.scope</c>), cgroupfs driver
/// <c>kubepods/besteffort/pod&lt;uid&gt;/&lt;id&gt;</c>, plain docker <c>/docker/&lt;id&gt;</c>.
/// </summary>
internal static class CgroupMatcher
{
    /// <summary>Shortest container id prefix accepted (docker's short form).</summary>
    public const int MinContainerIdLength = 12;

    /// <summary>Checks the configured value; returns why it cannot match anything, or null.</summary>
    public static string? Check(NetnsReference reference) => reference.Kind switch
    {
        NetnsReferenceKind.ContainerId when reference.Value.Length is < MinContainerIdLength or > 64 || !reference.Value.All(char.IsAsciiHexDigit)
            => $"\"{reference.Value}\" is not a container id (12 to 64 hexadecimal digits)",
        NetnsReferenceKind.PodUid when reference.Value.Length < 8 || !reference.Value.All(c => char.IsAsciiHexDigit(c) || c is '-' or '_')
            => $"\"{reference.Value}\" is not a pod UID (hexadecimal digits and dashes, as metadata.uid)",
        NetnsReferenceKind.Cgroup when !reference.Value.StartsWith('/')
            => $"\"{reference.Value}\" is not an absolute cgroup path (it starts with /, as in /proc/PID/cgroup)",
        _ => null,
    };

    /// <summary>True when one of the paths in <paramref name="procCgroup"/> (the text of <c>/proc/PID/cgroup</c>) matches.</summary>
    public static bool Matches(NetnsReference reference, string procCgroup)
    {
        foreach (string line in procCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // hierarchy-ID:controller-list:cgroup-path; the path may itself contain ':'.
            int first = line.IndexOf(':');
            int second = first < 0 ? -1 : line.IndexOf(':', first + 1);
            if (second >= 0 && PathMatches(reference, line[(second + 1)..]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when the cgroup <paramref name="path"/> is the referenced one or lies below it.</summary>
    public static bool PathMatches(NetnsReference reference, string path)
    {
        switch (reference.Kind)
        {
            case NetnsReferenceKind.Cgroup:
                string root = reference.Value.Length > 1 ? reference.Value.TrimEnd('/') : reference.Value;
                return path == root || path.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal);
            case NetnsReferenceKind.PodUid:
                string pod = "pod" + reference.Value.Replace('_', '-').ToLowerInvariant();
                foreach (string component in path.Split('/'))
                {
                    string c = Strip(component.Replace('_', '-').ToLowerInvariant(), ".slice");
                    if (c == pod || c.EndsWith("-" + pod, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            case NetnsReferenceKind.ContainerId:
                string id = reference.Value.ToLowerInvariant();
                foreach (string component in path.Split('/'))
                {
                    // crio-conmon-<id>.scope is CRI-O's monitor: it runs in the host's namespace, not the container's.
                    if (component.Contains("conmon", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    string c = Strip(component.ToLowerInvariant(), ".scope");
                    string last = c[(c.LastIndexOf('-') + 1)..];
                    if (last.StartsWith(id, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static string Strip(string s, string suffix) => s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;
}
