using System.Globalization;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>
/// Finds the network namespace a task's <c>netns</c> names, now. A path or a name is opened as
/// it is; a pod, container or cgroup is found by scanning <c>/proc/*/cgroup</c> and taking the
/// namespace of the most recently started matching process (during a restart the old and the
/// new process may both be there for a moment).
/// </summary>
/// <remarks>Not on the packet path: called when a task (re)starts and by <see cref="NetnsWatch"/>.</remarks>
internal static class NetnsResolver
{
    /// <summary>Resolves <paramref name="reference"/>; throws <see cref="CaptureException"/> saying why it cannot.</summary>
    public static ResolvedNetns Resolve(NetnsReference reference, string procRoot = "/proc")
    {
        switch (reference.Kind)
        {
            case NetnsReferenceKind.Path:
                return new ResolvedNetns(reference.Value, NamespaceFile.InodeOf(reference.Value, $"netns {reference.Value}"), null);
            case NetnsReferenceKind.Name:
                string path = $"{NetnsReference.NamedNamespaceDirectory}/{reference.Value}";
                return new ResolvedNetns(path, NamespaceFile.InodeOf(path, $"netns {reference} ({path})"), null);
        }

        if (CgroupMatcher.Check(reference) is { } problem)
        {
            throw new CaptureException($"netns {reference}: {problem}");
        }

        ResolvedNetns? best = null;
        ulong bestStart = 0;
        int self = Environment.ProcessId;
        foreach (int pid in Pids(procRoot))
        {
            if (pid == self || !Matches(reference, procRoot, pid))
            {
                continue;
            }

            ulong? inode = NamespaceFile.InodeOfProcess(procRoot, pid);
            ulong? start = StartTime(procRoot, pid);
            if (inode is null || start is null)
            {
                continue; // gone meanwhile
            }

            if (best is null || start > bestStart || (start == bestStart && pid > best.Pid))
            {
                best = new ResolvedNetns($"{procRoot}/{pid}/ns/net", inode.Value, pid);
                bestStart = start.Value;
            }
        }

        return best ?? throw new CaptureException($"netns {reference}: no process found in it (scanned {procRoot}/*/cgroup)");
    }

    /// <summary>True when process <paramref name="pid"/> still belongs to <paramref name="reference"/> (false when it is gone).</summary>
    public static bool Matches(NetnsReference reference, string procRoot, int pid)
    {
        try
        {
            return CgroupMatcher.Matches(reference, File.ReadAllText($"{procRoot}/{pid}/cgroup"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<int> Pids(string procRoot)
    {
        foreach (string dir in Directory.EnumerateDirectories(procRoot))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Field 22 of <c>/proc/PID/stat</c> (start time in clock ticks since boot); null when the process is gone.</summary>
    private static ulong? StartTime(string procRoot, int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"{procRoot}/{pid}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may contain spaces: count fields after the last ')'.
        int close = stat.LastIndexOf(')');
        string[] rest = stat[(close + 2)..].Split(' ');
        return rest.Length > 19 && ulong.TryParse(rest[19], NumberStyles.None, CultureInfo.InvariantCulture, out ulong start) ? start : null;
    }
}
