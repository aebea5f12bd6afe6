using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cpworker.Host.Interop;

namespace Cpworker.Host.Control;

/// <summary>
/// Who is at the other end of a Unix socket (<c>SO_PEERCRED</c>), and whether that process may use
/// the control socket: only root and the daemon's own user may (docs/operations.md, "The control socket").
/// </summary>
/// <param name="Pid">The peer's process id.</param>
/// <param name="Uid">Its user id.</param>
/// <param name="Gid">Its group id.</param>
internal readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    /// <summary>The daemon's effective user id.</summary>
    public static uint OwnUid { get; } = HostLibC.GetEuid();

    /// <summary>Reads the credentials the kernel recorded when the peer connected.</summary>
    public static PeerCredentials Of(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int length = socket.GetRawSocketOption(HostLibC.SolSocket, HostLibC.SoPeerCred, ucred);
        if (length < 12)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }

        // Native byte order: the kernel fills the struct as this machine lays it out.
        return new PeerCredentials(
            MemoryMarshal.Read<int>(ucred),
            MemoryMarshal.Read<uint>(ucred[4..]),
            MemoryMarshal.Read<uint>(ucred[8..]));
    }

    /// <summary>True when a process of <paramref name="uid"/> may use a daemon running as <paramref name="daemonUid"/>.</summary>
    public static bool IsAllowed(uint uid, uint daemonUid) => uid == 0 || uid == daemonUid;

    /// <summary>True when this peer may use this daemon.</summary>
    public bool IsAllowed() => IsAllowed(Uid, OwnUid);
}
