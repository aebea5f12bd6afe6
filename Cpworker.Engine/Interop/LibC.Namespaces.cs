using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>Telling namespace files apart: their inode (<c>fstat</c>) and their kind (<c>NS_GET_NSTYPE</c>).</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>ioctl</c> request <c>NS_GET_NSTYPE</c> (linux/nsfs.h): returns the <c>CLONE_NEW*</c> type of a namespace file.</summary>
    public const nuint NsGetNsType = 0xb703;

    /// <summary>Size of <c>struct stat</c> on 64-bit Linux (x86-64: 144 bytes; arm64: 128), rounded up.</summary>
    private const int StatBufferSize = 256;

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buffer);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoCtl(int fd, nuint request);

    /// <summary>
    /// The inode number of an open file (<c>st_ino</c>, at offset 8 after the 8-byte <c>st_dev</c>
    /// on x86-64 and arm64); -1 with errno set when <c>fstat</c> fails.
    /// </summary>
    public static long InodeOf(int fd)
    {
        byte* buffer = stackalloc byte[StatBufferSize];
        return FStat(fd, buffer) != 0 ? -1 : *(long*)(buffer + 8);
    }
}
