using System.Runtime.InteropServices;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Interop;
using Microsoft.Win32.SafeHandles;

namespace Cpworker.Engine.Capture.Namespaces;

/// <summary>Opens namespace files and tells which namespace they are (their nsfs inode).</summary>
internal static class NamespaceFile
{
    /// <summary>Opens <paramref name="path"/> for <c>setns</c>; throws <see cref="CaptureException"/> naming <paramref name="what"/>.</summary>
    public static SafeFileHandle Open(string path, string what)
    {
        // A namespace file is a regular (nsfs) file; a FIFO in its place would block in open.
        if (ReplayFile.NotRegular(path) is { } kind && kind != "a directory")
        {
            throw new CaptureException($"cannot open {what}: it is {kind}, not a network namespace", permanent: true);
        }

        try
        {
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // .NET's messages name a "part of the path"; say what it means for a namespace.
            string why = ex switch
            {
                FileNotFoundException or DirectoryNotFoundException => path.StartsWith("/proc/", StringComparison.Ordinal)
                    ? "it does not exist (no process with that id, or it has exited)"
                    : "it does not exist (create it with: ip netns add NAME)",
                UnauthorizedAccessException when Directory.Exists(path) => "it is a directory, not a network namespace",
                UnauthorizedAccessException => "permission denied (cpworker needs CAP_SYS_ADMIN to enter a namespace)",
                _ => PathErrors.Describe(ex, path),
            };
            throw new CaptureException($"cannot open {what}: {why}", ex);
        }
    }

    /// <summary>
    /// The inode of the network namespace <paramref name="handle"/> refers to (two handles with the
    /// same inode are the same namespace); throws when it is not a network namespace.
    /// </summary>
    public static ulong InodeOf(SafeFileHandle handle, string what)
    {
        int fd = (int)handle.DangerousGetHandle();
        // A bind-mounted namespace (/var/run/netns/NAME) reads as a plain path through readlink: ask the kernel.
        int type = LibC.IoCtl(fd, LibC.NsGetNsType);
        if (type != LibC.CloneNewNet)
        {
            string detail = type < 0 ? LibC.ErrorText(Marshal.GetLastPInvokeError()) : $"namespace type 0x{type:x}";
            throw new CaptureException($"{what} is not a network namespace ({detail})");
        }

        long inode = LibC.InodeOf(fd);
        return inode > 0 ? (ulong)inode : throw new CaptureException($"cannot identify {what}: {LibC.ErrorText(Marshal.GetLastPInvokeError())}");
    }

    /// <summary>The namespace inode of <paramref name="path"/>; throws <see cref="CaptureException"/> when it cannot be opened or is no namespace.</summary>
    public static ulong InodeOf(string path, string what)
    {
        using SafeFileHandle handle = Open(path, what);
        return InodeOf(handle, what);
    }

    /// <summary>The namespace inode of a process's network namespace, from its <c>/proc/PID/ns/net</c> link; null when the process is gone.</summary>
    public static ulong? InodeOfProcess(string procRoot, int pid)
    {
        try
        {
            return TryParse(new FileInfo($"{procRoot}/{pid}/ns/net").LinkTarget, out ulong inode) ? inode : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Parses <c>net:[4026532…]</c>.</summary>
    internal static bool TryParse(string? link, out ulong inode)
    {
        inode = 0;
        return link is not null && link.StartsWith("net:[", StringComparison.Ordinal) && link.EndsWith(']')
            && ulong.TryParse(link.AsSpan(5, link.Length - 6), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out inode);
    }
}
