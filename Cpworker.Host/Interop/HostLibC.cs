using System.Runtime.InteropServices;

namespace Cpworker.Host.Interop;

/// <summary>The libc calls the host needs that .NET does not expose.</summary>
internal static unsafe partial class HostLibC
{
    /// <summary><c>CLOCK_REALTIME</c>.</summary>
    public const int ClockRealtime = 0;

    /// <summary><c>CLOCK_MONOTONIC</c>.</summary>
    public const int ClockMonotonic = 1;

    /// <summary><c>SOL_SOCKET</c>.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SO_PEERCRED</c>: the credentials of the process at the other end of a Unix socket.</summary>
    public const int SoPeerCred = 17;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxIno = 0x100;
    private const int FileTypeMask = 0xF000;

    /// <summary>File type bits of a socket (<c>S_IFSOCK</c>).</summary>
    public const int FileTypeSocket = 0xC000;

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clock, TimeSpec* ts);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>Reads a clock as (seconds, nanoseconds).</summary>
    public static (long Seconds, long Nanoseconds) Now(int clock)
    {
        TimeSpec ts;
        if (ClockGetTime(clock, &ts) != 0)
        {
            throw new InvalidOperationException($"clock_gettime({clock}) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }

        return (ts.Seconds, ts.Nanoseconds);
    }

    /// <summary>
    /// The file type bits and inode of <paramref name="path"/> without following a symbolic link;
    /// null when it does not exist. <c>struct statx</c> has the same layout on every architecture.
    /// </summary>
    public static (int Type, ulong Inode)? FileType(string path)
    {
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxIno, buffer) != 0)
        {
            return null;
        }

        ushort mode = *(ushort*)(buffer + 28);
        ulong inode = *(ulong*)(buffer + 32);
        return (mode & FileTypeMask, inode);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
