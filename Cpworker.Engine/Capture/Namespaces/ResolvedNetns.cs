namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>A network namespace found for a task's <c>netns</c> reference.</summary>
/// <param name="Path">The namespace file to open: the configured path, <c>/var/run/netns/NAME</c> or <c>/proc/PID/ns/net</c>.</param>
/// <param name="Inode">The namespace's inode: two files with the same inode are the same namespace.</param>
/// <param name="Pid">The process it was found through; null for a path or a name.</param>
internal sealed record ResolvedNetns(string Path, ulong Inode, int? Pid)
{
    /// <summary>For messages: <c>net:[4026532…] (pid 1234)</c>.</summary>
    public override string ToString() => Pid is int pid ? $"net:[{Inode}] (pid {pid})" : $"net:[{Inode}]";
}
