using System.Runtime.InteropServices;

namespace Cpworker.Outputs.FastPath;

/// <summary>The constants and libc calls of rtnetlink(7) and the interface ioctls the next-hop lookup uses.</summary>
internal static unsafe partial class RtNetlinkInterop
{
    /// <summary><c>AF_NETLINK</c>.</summary>
    public const int AfNetlink = 16;

    /// <summary><c>NETLINK_ROUTE</c>.</summary>
    public const int NetlinkRoute = 0;

    /// <summary><c>SOCK_RAW | SOCK_CLOEXEC</c>.</summary>
    public const int SockRawCloexec = 3 | 0x80000;

    /// <summary><c>SOCK_DGRAM | SOCK_CLOEXEC</c>.</summary>
    public const int SockDgramCloexec = 2 | 0x80000;

    /// <summary><c>NLMSG_ERROR</c>.</summary>
    public const ushort NlmsgError = 2;

    /// <summary><c>NLM_F_REQUEST</c>.</summary>
    public const ushort NlmFRequest = 1;

    /// <summary><c>RTM_NEWROUTE</c>.</summary>
    public const ushort RtmNewRoute = 24;

    /// <summary><c>RTM_GETROUTE</c>.</summary>
    public const ushort RtmGetRoute = 26;

    /// <summary><c>RTM_NEWNEIGH</c>.</summary>
    public const ushort RtmNewNeigh = 28;

    /// <summary><c>RTM_GETNEIGH</c>.</summary>
    public const ushort RtmGetNeigh = 30;

    /// <summary><c>RTA_DST</c>.</summary>
    public const ushort RtaDst = 1;

    /// <summary><c>RTA_OIF</c>.</summary>
    public const ushort RtaOif = 4;

    /// <summary><c>RTA_GATEWAY</c>.</summary>
    public const ushort RtaGateway = 5;

    /// <summary><c>RTA_PREFSRC</c>.</summary>
    public const ushort RtaPrefSrc = 7;

    /// <summary><c>RTA_METRICS</c> (nested <c>RTAX_*</c>).</summary>
    public const ushort RtaMetrics = 8;

    /// <summary><c>RTAX_MTU</c>.</summary>
    public const ushort RtaxMtu = 2;

    /// <summary><c>NDA_DST</c>.</summary>
    public const ushort NdaDst = 1;

    /// <summary><c>NDA_LLADDR</c>.</summary>
    public const ushort NdaLladdr = 2;

    /// <summary><c>NUD_VALID</c>: permanent, noarp, reachable, probe, stale, delay — states the kernel sends to.</summary>
    public const ushort NudValid = 0x80 | 0x40 | 0x02 | 0x10 | 0x04 | 0x08;

    /// <summary><c>RTN_UNICAST</c>.</summary>
    public const byte RtnUnicast = 1;

    /// <summary><c>RTN_LOCAL</c>.</summary>
    public const byte RtnLocal = 2;

    /// <summary><c>SIOCGIFMTU</c>.</summary>
    public const uint SiocGifMtu = 0x8921;

    /// <summary><c>SIOCGIFHWADDR</c>.</summary>
    public const uint SiocGifHwAddr = 0x8927;

    /// <summary><c>ARPHRD_ETHER</c>.</summary>
    public const ushort ArphrdEther = 1;

    /// <summary><c>ARPHRD_LOOPBACK</c>.</summary>
    public const ushort ArphrdLoopback = 772;

    /// <summary><c>SOL_SOCKET</c> / <c>SO_RCVTIMEO</c>: a lookup never waits long for the kernel.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SO_RCVTIMEO</c>.</summary>
    public const int SoRcvTimeo = 20;

    /// <summary><c>SO_RCVBUF</c>.</summary>
    public const int SoRcvBuf = 8;

    /// <summary><c>SO_RCVBUFFORCE</c> (needs CAP_NET_ADMIN).</summary>
    public const int SoRcvBufForce = 33;

    /// <summary><c>POLLIN</c>.</summary>
    public const short PollIn = 1;

    /// <summary><c>MSG_DONTWAIT</c>.</summary>
    public const int MsgDontWait = 0x40;

    /// <summary><c>EINTR</c>.</summary>
    public const int EIntr = 4;

    /// <summary><c>ENOBUFS</c>: on a netlink socket, the kernel dropped notifications (receive buffer full).</summary>
    public const int ENoBufs = 105;

    /// <summary><c>EFD_CLOEXEC</c>.</summary>
    public const int EfdCloexec = 0x80000;

    /// <summary><c>EFD_NONBLOCK</c>.</summary>
    public const int EfdNonblock = 0x800;

    /// <summary>Linux <c>struct sockaddr_nl</c> (12 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrNl
    {
        /// <summary><c>nl_family</c> = <see cref="AfNetlink"/>.</summary>
        public ushort Family;

        /// <summary><c>nl_pad</c>.</summary>
        public ushort Pad;

        /// <summary><c>nl_pid</c>: 0, the kernel assigns one.</summary>
        public uint Pid;

        /// <summary><c>nl_groups</c>: multicast groups (bit n-1 for group n).</summary>
        public uint Groups;
    }

    /// <summary>Linux <c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        /// <summary><c>fd</c>.</summary>
        public int Fd;

        /// <summary><c>events</c>.</summary>
        public short Events;

        /// <summary><c>revents</c>.</summary>
        public short REvents;
    }

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrNl* address, uint length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nuint length);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    public static partial byte* IfIndexToName(uint index, byte* name);
}
