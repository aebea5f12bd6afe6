using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>
/// The calls and layouts of an <c>AF_PACKET</c> socket with a <c>TPACKET_V3</c> receive ring
/// (packet(7), the kernel's packet_mmap documentation), for <c>Capture/RingCaptureSource</c>.
/// </summary>
internal static unsafe partial class LibC
{
    /// <summary><c>AF_PACKET</c>.</summary>
    public const int AfPacket = 17;

    /// <summary><c>AF_INET</c>.</summary>
    public const int AfInet = 2;

    /// <summary><c>SOCK_RAW</c>: frames with their link-layer header.</summary>
    public const int SockRaw = 3;

    /// <summary><c>SOCK_DGRAM</c>.</summary>
    public const int SockDgram = 2;

    /// <summary><c>SOCK_CLOEXEC</c>.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary><c>htons(ETH_P_ALL)</c>: every protocol.</summary>
    public const ushort EthPAllNetworkOrder = 0x0300;

    /// <summary><c>SOL_SOCKET</c>.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SO_ERROR</c>.</summary>
    public const int SoError = 4;

    /// <summary><c>SO_ATTACH_FILTER</c>.</summary>
    public const int SoAttachFilter = 26;

    /// <summary><c>PACKET_RX_RING</c>.</summary>
    public const int PacketRxRing = 5;

    /// <summary><c>PACKET_STATISTICS</c> (reading it resets the kernel's counters).</summary>
    public const int PacketStatistics = 6;

    /// <summary><c>PACKET_VERSION</c>.</summary>
    public const int PacketVersion = 10;

    /// <summary><c>TPACKET_V3</c>.</summary>
    public const int TPacketV3 = 2;

    /// <summary><c>TP_STATUS_KERNEL</c>: the block belongs to the kernel.</summary>
    public const uint TpStatusKernel = 0;

    /// <summary><c>TP_STATUS_USER</c>: the block is retired and ours to read.</summary>
    public const uint TpStatusUser = 1;

    /// <summary><c>TP_STATUS_VLAN_VALID</c>: the kernel took an 802.1Q tag off the frame (<c>tp_vlan_tci</c>).</summary>
    public const uint TpStatusVlanValid = 1 << 4;

    /// <summary><c>TP_STATUS_VLAN_TPID_VALID</c>: <c>tp_vlan_tpid</c> holds the tag's TPID.</summary>
    public const uint TpStatusVlanTpidValid = 1 << 6;

    /// <summary><c>PACKET_OUTGOING</c> (<c>sll_pkttype</c>): sent by this host.</summary>
    public const byte PacketOutgoing = 4;

    /// <summary><c>ARPHRD_ETHER</c>.</summary>
    public const ushort ArphrdEther = 1;

    /// <summary><c>ARPHRD_LOOPBACK</c>: Ethernet-framed, every frame seen twice (out and in).</summary>
    public const ushort ArphrdLoopback = 772;

    /// <summary><c>SIOCGIFHWADDR</c>: the interface's hardware type in <c>ifr_hwaddr.sa_family</c>.</summary>
    public const nuint SiocGifHwAddr = 0x8927;

    /// <summary><c>PROT_READ | PROT_WRITE</c>.</summary>
    public const int ProtReadWrite = 3;

    /// <summary><c>MAP_SHARED</c>.</summary>
    public const int MapShared = 1;

    /// <summary><c>MAP_FAILED</c>.</summary>
    public static readonly nint MapFailed = -1;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, SockAddrLl* address, uint length);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MMap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int MUnmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoCtl(int fd, nuint request, void* argument);

    /// <summary><c>struct sockaddr_ll</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockAddrLl
    {
        /// <summary><c>sll_family</c>.</summary>
        public ushort Family;

        /// <summary><c>sll_protocol</c>, network order.</summary>
        public ushort Protocol;

        /// <summary><c>sll_ifindex</c>.</summary>
        public int IfIndex;

        /// <summary><c>sll_hatype</c>.</summary>
        public ushort HaType;

        /// <summary><c>sll_pkttype</c>.</summary>
        public byte PktType;

        /// <summary><c>sll_halen</c>.</summary>
        public byte HaLen;

        /// <summary><c>sll_addr</c>.</summary>
        public ulong Address;
    }

    /// <summary><c>struct tpacket_req3</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TPacketReq3
    {
        /// <summary><c>tp_block_size</c>.</summary>
        public uint BlockSize;

        /// <summary><c>tp_block_nr</c>.</summary>
        public uint BlockCount;

        /// <summary><c>tp_frame_size</c>.</summary>
        public uint FrameSize;

        /// <summary><c>tp_frame_nr</c>.</summary>
        public uint FrameCount;

        /// <summary><c>tp_retire_blk_tov</c>: ms after which a block that is not full is handed over.</summary>
        public uint RetireBlockTimeoutMs;

        /// <summary><c>tp_sizeof_priv</c>.</summary>
        public uint PrivateSize;

        /// <summary><c>tp_feature_req_word</c>.</summary>
        public uint FeatureRequestWord;
    }

    /// <summary><c>struct tpacket_block_desc</c> with its <c>tpacket_hdr_v1</c>, up to the fields we read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TPacketBlockDesc
    {
        /// <summary><c>version</c>.</summary>
        public uint Version;

        /// <summary><c>offset_to_priv</c>.</summary>
        public uint OffsetToPrivate;

        /// <summary><c>block_status</c>: <see cref="TpStatusUser"/> while ours.</summary>
        public uint BlockStatus;

        /// <summary><c>num_pkts</c>.</summary>
        public uint PacketCount;

        /// <summary><c>offset_to_first_pkt</c>.</summary>
        public uint OffsetToFirstPacket;

        /// <summary><c>blk_len</c>: bytes of the block in use, from its start.</summary>
        public uint BlockLength;

        /// <summary><c>seq_num</c>: 1 for the first block the kernel fills, then one more for each.</summary>
        public ulong SequenceNumber;
    }

    /// <summary><c>struct tpacket3_hdr</c> (48 bytes with its padding; the <c>sockaddr_ll</c> follows at <see cref="TPacket3HeaderLength"/>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TPacket3Header
    {
        /// <summary><c>tp_next_offset</c>: from this header to the next packet's; 0 on the last.</summary>
        public uint NextOffset;

        /// <summary><c>tp_sec</c>.</summary>
        public uint Seconds;

        /// <summary><c>tp_nsec</c>.</summary>
        public uint Nanoseconds;

        /// <summary><c>tp_snaplen</c>: bytes captured.</summary>
        public uint CaptureLength;

        /// <summary><c>tp_len</c>: length on the wire.</summary>
        public uint Length;

        /// <summary><c>tp_status</c>.</summary>
        public uint Status;

        /// <summary><c>tp_mac</c>: offset of the frame from this header.</summary>
        public ushort MacOffset;

        /// <summary><c>tp_net</c>.</summary>
        public ushort NetOffset;

        /// <summary><c>hv1.tp_rxhash</c>.</summary>
        public uint RxHash;

        /// <summary><c>hv1.tp_vlan_tci</c>.</summary>
        public uint VlanTci;

        /// <summary><c>hv1.tp_vlan_tpid</c>.</summary>
        public ushort VlanTpid;
    }

    /// <summary><c>TPACKET_ALIGN(sizeof(struct tpacket3_hdr))</c>: where the <c>sockaddr_ll</c> of a packet lies.</summary>
    public const int TPacket3HeaderLength = 48;

    /// <summary><c>struct tpacket_stats_v3</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TPacketStatsV3
    {
        /// <summary><c>tp_packets</c>.</summary>
        public uint Packets;

        /// <summary><c>tp_drops</c>: dropped because no block was free.</summary>
        public uint Drops;

        /// <summary><c>tp_freeze_q_cnt</c>.</summary>
        public uint FreezeCount;
    }

    /// <summary><c>struct sock_fprog</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SockFProg
    {
        /// <summary><c>len</c>: instructions.</summary>
        public ushort Length;

        /// <summary><c>filter</c>.</summary>
        public nint Instructions;
    }
}
