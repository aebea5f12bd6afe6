using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary><c>setsockopt</c>/<c>getsockopt</c>, for joining capture sockets to a fanout group.</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>SOL_PACKET</c>.</summary>
    public const int SolPacket = 263;

    /// <summary><c>PACKET_FANOUT</c>.</summary>
    public const int PacketFanout = 18;

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);
}
