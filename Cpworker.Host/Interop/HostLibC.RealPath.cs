using System.Runtime.InteropServices;

namespace Cpworker.Host.Interop;

/// <summary><c>realpath(3)</c>: .NET resolves a file's own links but not the directory links along its path (<c>..data/</c>).</summary>
internal static unsafe partial class HostLibC
{
    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial byte* RealPathNative(string path, byte* resolved);

    /// <summary>The canonical path of <paramref name="path"/> with every link resolved; null when it does not resolve.</summary>
    public static string? RealPath(string path)
    {
        byte* resolved = RealPathNative(path, null);
        if (resolved is null)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            NativeMemory.Free(resolved); // realpath(path, NULL) allocates with malloc
        }
    }
}
