using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>statx(2): the file type of a path without opening it (opening a FIFO blocks).</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>S_IFMT</c>: the file type bits of a mode.</summary>
    public const int FileTypeMask = 0xF000;

    /// <summary><c>S_IFREG</c>.</summary>
    public const int RegularFile = 0x8000;

    /// <summary><c>S_IFDIR</c>.</summary>
    public const int DirectoryFile = 0x4000;

    /// <summary><c>S_IFIFO</c>.</summary>
    public const int FifoFile = 0x1000;

    /// <summary><c>S_IFCHR</c>.</summary>
    public const int CharacterDeviceFile = 0x2000;

    /// <summary><c>S_IFBLK</c>.</summary>
    public const int BlockDeviceFile = 0x6000;

    /// <summary><c>S_IFSOCK</c>.</summary>
    public const int SocketFile = 0xC000;

    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;

    /// <summary>The file type bits (<see cref="FileTypeMask"/>) of <paramref name="path"/>, symbolic links followed; -errno on failure.</summary>
    public static int FileType(string path)
    {
        // struct statx is the same on every architecture: stx_mode is the u16 at offset 28 of 256 bytes.
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
        {
            return -Marshal.GetLastPInvokeError();
        }

        return *(ushort*)(buffer + 28) & FileTypeMask;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
