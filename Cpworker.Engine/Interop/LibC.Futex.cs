using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>The Linux futex, for parking a packet thread with one system call on each side.</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>FUTEX_WAIT | FUTEX_PRIVATE_FLAG</c>.</summary>
    public const int FutexWaitPrivate = 0 | 128;

    /// <summary><c>FUTEX_WAKE | FUTEX_PRIVATE_FLAG</c>.</summary>
    public const int FutexWakePrivate = 1 | 128;

    /// <summary><c>SYS_futex</c> on x86-64 and arm64.</summary>
    private static readonly nint s_sysFutex = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 202 : 98;

    /// <summary>Sleeps while <c>*address == expected</c>, at most <paramref name="timeout"/> (null = forever).</summary>
    public static int FutexWait(int* address, int expected, TimeSpec* timeout) =>
        (int)Syscall(s_sysFutex, (nint)address, FutexWaitPrivate, expected, (nint)timeout, 0, 0);

    /// <summary>Wakes up to <paramref name="count"/> threads sleeping on <paramref name="address"/>.</summary>
    public static int FutexWake(int* address, int count) =>
        (int)Syscall(s_sysFutex, (nint)address, FutexWakePrivate, count, 0, 0, 0);

    [LibraryImport("libc", EntryPoint = "syscall")]
    private static partial nint Syscall(nint number, nint a1, nint a2, nint a3, nint a4, nint a5, nint a6);

    /// <summary><c>struct timespec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        /// <summary>Seconds.</summary>
        public long Seconds;

        /// <summary>Nanoseconds.</summary>
        public long Nanoseconds;
    }
}
