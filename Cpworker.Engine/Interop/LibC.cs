using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>The few libc calls the engine needs that .NET does not expose.</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>CLONE_NEWNET</c> for <see cref="SetNs"/>.</summary>
    public const int CloneNewNet = 0x40000000;

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    public static partial int SchedSetAffinity(int pid, nint cpusetsize, byte* mask);

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    public static partial int SchedGetAffinity(int pid, nint cpusetsize, byte* mask);

    [LibraryImport("libc", EntryPoint = "gettid")]
    public static partial int GetTid();

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    /// <summary>The text of an errno value.</summary>
    public static string ErrorText(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
