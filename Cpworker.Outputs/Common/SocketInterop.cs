using System.Runtime.InteropServices;

namespace Cpworker.Outputs.Common;

/// <summary>The socket calls .NET does not expose: raw sockets of any protocol, <c>sendmmsg</c>, socket filters.</summary>
internal static unsafe partial class SocketInterop
{
    /// <summary><c>AF_INET</c>.</summary>
    public const int AfInet = 2;

    /// <summary><c>AF_INET6</c>.</summary>
    public const int AfInet6 = 10;

    /// <summary><c>SOCK_RAW</c>.</summary>
    public const int SockRaw = 3;

    /// <summary><c>SOCK_CLOEXEC</c>: the fd is not inherited by tools the daemon starts.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary><c>MSG_DONTWAIT</c>: the packet path never sleeps in the kernel.</summary>
    public const int MsgDontWait = 0x40;

    /// <summary><c>SOL_SOCKET</c>.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SOL_IP</c>.</summary>
    public const int SolIp = 0;

    /// <summary><c>SOL_IPV6</c>.</summary>
    public const int SolIpv6 = 41;

    /// <summary><c>SO_BINDTODEVICE</c>.</summary>
    public const int SoBindToDevice = 25;

    /// <summary><c>SO_SNDBUFFORCE</c>: raises the send buffer past <c>wmem_max</c> (needs CAP_NET_ADMIN).</summary>
    public const int SoSndBufForce = 32;

    /// <summary><c>SO_ATTACH_FILTER</c>.</summary>
    public const int SoAttachFilter = 26;

    /// <summary><c>IP_MTU_DISCOVER</c>.</summary>
    public const int IpMtuDiscover = 10;

    /// <summary><c>IPV6_MTU_DISCOVER</c>.</summary>
    public const int Ipv6MtuDiscover = 23;

    /// <summary><c>IPPROTO_GRE</c>.</summary>
    public const int ProtoGre = 47;

    /// <summary><c>EAGAIN</c>.</summary>
    public const int EAgain = 11;

    /// <summary><c>EINTR</c>.</summary>
    public const int EIntr = 4;

    /// <summary><c>ENOBUFS</c>.</summary>
    public const int ENoBufs = 105;

    /// <summary><c>EMSGSIZE</c>.</summary>
    public const int EMsgSize = 90;

    /// <summary><c>ECONNREFUSED</c>.</summary>
    public const int EConnRefused = 111;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary><c>sendmmsg(2)</c>: the number of messages sent, or -1 with errno when the first one failed.</summary>
    [LibraryImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    public static partial int SendMMsg(int fd, MMsgHdr* messages, uint count, int flags);

    /// <summary>The text of an errno value, with its number.</summary>
    public static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
