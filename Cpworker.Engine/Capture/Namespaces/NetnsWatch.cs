using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>
/// Tells whether the namespace a capture was opened in is still the one its <c>netns</c> names:
/// after a pod restart (new process, new namespace) or <c>ip netns del</c> + <c>add</c> of the same
/// name, the open handle keeps the old namespace alive and would capture nothing useful forever.
/// </summary>
/// <remarks>Called by the task's runner about once a second, never on the packet path.</remarks>
internal static class NetnsWatch
{
    /// <summary>
    /// Null while <paramref name="entered"/> is still what <paramref name="reference"/> names;
    /// otherwise why not, for the log (<c>pod_uid … now is net:[…] (pid 7), was net:[…] (pid 5)</c>).
    /// </summary>
    public static string? Check(NetnsReference reference, ResolvedNetns entered, string procRoot = "/proc")
    {
        // Cheap path for cgroup references: the process we entered through is alive, still in the
        // namespace we entered and still in the pod/container/cgroup. No /proc scan then.
        if (entered.Pid is int pid && reference.IsCgroupBased
            && NamespaceFile.InodeOfProcess(procRoot, pid) == entered.Inode
            && NetnsResolver.Matches(reference, procRoot, pid))
        {
            return null;
        }

        ResolvedNetns now;
        try
        {
            now = NetnsResolver.Resolve(reference, procRoot);
        }
        catch (CaptureException ex)
        {
            return $"netns {reference} is gone ({ex.Message}), was {entered}";
        }

        return now.Inode == entered.Inode ? null : $"netns {reference} now is {now}, was {entered}";
    }
}
