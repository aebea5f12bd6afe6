using System.Runtime.InteropServices;

namespace Cpworker.Outputs.PacketRing;

/// <summary>The libc calls and constants of an <c>AF_PACKET</c> socket with a memory-mapped TX ring (packet(7), packet_mmap.rst).</summary>
internal static unsafe partial class PacketRingInterop
{
    /// <summary><c>AF_PACKET</c>.</summary>
    public const int AfPacket = 17;

    /// <summary><c>SOCK_RAW</c>: we write the link-layer header ourselves.</summary>
    public const int SockRaw = 3;

    /// <summary><c>SOCK_CLOEXEC</c>.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary><c>SOL_SOCKET</c>.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SOL_PACKET</c>.</summary>
    public const int SolPacket = 263;

    /// <summary><c>SO_SNDBUF</c>.</summary>
    public const int SoSndBuf = 7;

    /// <summary><c>SO_SNDBUFFORCE</c> (needs CAP_NET_ADMIN).</summary>
    public const int SoSndBufForce = 32;

    /// <summary><c>PACKET_TX_RING</c>.</summary>
    public const int PacketTxRingOption = 13;

    /// <summary><c>PACKET_LOSS</c>: a malformed frame is skipped (marked available) instead of stopping the ring.</summary>
    public const int PacketLoss = 14;

    /// <summary><c>PACKET_VERSION</c>.</summary>
    public const int PacketVersion = 10;

    /// <summary><c>PACKET_QDISC_BYPASS</c>.</summary>
    public const int PacketQdiscBypass = 20;

    /// <summary><c>PACKET_VNET_HDR</c>: each frame starts with a <c>struct virtio_net_hdr</c>.</summary>
    public const int PacketVnetHdr = 15;

    /// <summary><c>sizeof(struct virtio_net_hdr)</c>: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset.</summary>
    public const int VirtioNetHeaderLength = 10;

    /// <summary>What the kernel allows beyond the MTU in a raw Ethernet frame: 14-byte header + one 4-byte VLAN tag.</summary>
    public const int EthernetHeaderWithVlan = 18;

    /// <summary><c>SIOCGIFMTU</c>.</summary>
    public const uint SiocGifMtu = 0x8921;

    /// <summary><c>TPACKET_V2</c>.</summary>
    public const int TPacketV2 = 1;

    /// <summary><c>TP_STATUS_AVAILABLE</c>: the frame is ours.</summary>
    public const uint StatusAvailable = 0;

    /// <summary><c>TP_STATUS_SEND_REQUEST</c>: filled, for the kernel to send.</summary>
    public const uint StatusSendRequest = 1;

    /// <summary><c>TP_STATUS_SENDING</c>: the kernel holds it (an skb still points into it).</summary>
    public const uint StatusSending = 2;

    /// <summary><c>TP_STATUS_WRONG_FORMAT</c>: the kernel refused it (only without <see cref="PacketLoss"/>).</summary>
    public const uint StatusWrongFormat = 4;

    /// <summary><c>MSG_DONTWAIT</c>.</summary>
    public const int MsgDontWait = 0x40;

    /// <summary><c>PROT_READ | PROT_WRITE</c>.</summary>
    public const int ProtReadWrite = 3;

    /// <summary><c>MAP_SHARED</c>.</summary>
    public const int MapShared = 1;

    /// <summary><c>POLLOUT</c>.</summary>
    public const short PollOut = 4;

    /// <summary><c>EINTR</c>.</summary>
    public const int EIntr = 4;

    /// <summary><c>EAGAIN</c>.</summary>
    public const int EAgain = 11;

    /// <summary><c>ENOBUFS</c>.</summary>
    public const int ENoBufs = 105;

    /// <summary>
    /// <c>TPACKET2_HDRLEN - sizeof(struct sockaddr_ll)</c> = <c>TPACKET_ALIGN(32)</c>: where a TX frame's
    /// data starts when <c>PACKET_TX_HAS_OFF</c> is not set.
    /// </summary>
    public const int TxDataOffset = 32;

    /// <summary>Linux <c>struct tpacket_req</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TPacketReq
    {
        /// <summary><c>tp_block_size</c>: a multiple of the page size.</summary>
        public uint BlockSize;

        /// <summary><c>tp_block_nr</c>.</summary>
        public uint BlockCount;

        /// <summary><c>tp_frame_size</c>: a multiple of 16.</summary>
        public uint FrameSize;

        /// <summary><c>tp_frame_nr</c> = frames per block × blocks.</summary>
        public uint FrameCount;
    }

    /// <summary>Linux <c>struct sockaddr_ll</c> (20 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrLl
    {
        /// <summary><c>sll_family</c> = <see cref="AfPacket"/>.</summary>
        public ushort Family;

        /// <summary><c>sll_protocol</c>, network order; 0 = receive nothing.</summary>
        public ushort Protocol;

        /// <summary><c>sll_ifindex</c>.</summary>
        public int IfIndex;

        /// <summary><c>sll_hatype</c>.</summary>
        public ushort HaType;

        /// <summary><c>sll_pkttype</c>.</summary>
        public byte PktType;

        /// <summary><c>sll_halen</c>.</summary>
        public byte HaLen;

        /// <summary><c>sll_addr</c> (8 bytes).</summary>
        public ulong Addr;
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

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrLl* address, uint length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    /// <summary><c>send(fd, NULL, 0, flags)</c> kicks the TX ring: the kernel sends every frame marked for sending.</summary>
    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, void* buffer, nuint length, int flags);

    /// <summary><c>sendto(fd, NULL, 0, flags, sockaddr_ll)</c> kicks the TX ring naming interface and protocol.</summary>
    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, void* buffer, nuint length, int flags, SockAddrLl* address, uint addressLength);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "if_indextoname", SetLastError = true)]
    public static partial byte* IfIndexToName(uint index, byte* name);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>Whether this process may open AF_PACKET sockets (CAP_NET_RAW in its network namespace); else why not.</summary>
    public static bool CanOpenPacketSocket(out string reason)
    {
        int fd = Socket(AfPacket, SockRaw | SockCloexec, 0);
        if (fd < 0)
        {
            reason = $"cannot open an AF_PACKET socket: {ErrorText(Marshal.GetLastPInvokeError())} (needs CAP_NET_RAW)";
            return false;
        }

        Close(fd);
        reason = "";
        return true;
    }

    /// <summary>The text of an errno value, with its number.</summary>
    public static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
