using System.Runtime.InteropServices;
using static Cpworker.Outputs.PacketRing.PacketRingInterop;

namespace Cpworker.Outputs.PacketRing;

/// <summary>
/// An <c>AF_PACKET</c> socket bound to one interface with a memory-mapped <c>PACKET_TX_RING</c>
/// (<c>TPACKET_V2</c>): the caller writes whole link-layer frames into the ring's slots and one
/// <see cref="Kick"/> sends every committed frame, instead of one socket call and one trip through the
/// IP stack per datagram. With <c>PACKET_QDISC_BYPASS</c> the frames go straight to the driver:
/// no qdisc, no tc egress, no netfilter (docs/configuration.md, <c>send_path</c>).
/// </summary>
/// <remarks>
/// <para>Usage, on one thread: <c>byte* f = ring.TryAcquire()</c> (null = every slot is still the
/// kernel's: the ring is congested), write up to <see cref="MaxFrameLength"/> bytes at <c>f</c>,
/// <see cref="Commit"/> the length; after a batch, <see cref="Kick"/>. <see cref="Reclaim"/> counts the
/// slots the kernel gave back; <see cref="WaitForRoom"/> sleeps until a slot is free.</para>
/// <para>Ownership of a slot: from <see cref="TryAcquire"/> to <see cref="Commit"/> it is the caller's;
/// after <see cref="Commit"/> it is the kernel's until its <c>tp_status</c> is
/// <c>TP_STATUS_AVAILABLE</c> again (the skb that points into it was freed): only then does
/// <see cref="TryAcquire"/> hand it out again. Slots are used strictly in ring order, which is also
/// the order in which the kernel sends them.</para>
/// <para>Not thread-safe: one thread at a time fills, kicks and reclaims (the output's sender thread,
/// or the packet thread under rtc). Allocates nothing after <see cref="Open(int, int, int, bool, ushort)"/>.</para>
/// <para>Each slot starts with a <c>virtio_net_hdr</c> (<c>PACKET_VNET_HDR</c>) whose <c>hdr_len</c> covers the
/// whole frame: the kernel then copies the frame into the skb's linear data instead of attaching the slot's
/// page as a zero-copy fragment. That copy (one small memcpy into memory the skb allocates anyway) is
/// cheaper than what a zero-copy fragment costs at a veth or <c>lo</c>, where the kernel has to copy it
/// into freshly allocated pages (<c>skb_copy_ubufs</c>) and walk it with <c>skb_copy_bits</c> to find the
/// headers (measured: docs/architecture.md, "Send paths: measured"). The kernel skips its own MTU check for
/// frames with a virtio header, so <see cref="Commit"/> refuses a frame longer than the device took at
/// <see cref="Open(int, int, int, bool, ushort)"/> (MTU + Ethernet header + VLAN tag), as the kernel would.
/// Without <c>PACKET_VNET_HDR</c> (older kernels) the ring works as before, with zero-copy fragments.</para>
/// <para>Frames the kernel refuses (shorter than the link header) are skipped by the kernel
/// (<c>PACKET_LOSS</c>) and look sent.</para>
/// </remarks>
internal sealed unsafe class PacketTxRing : IDisposable
{
    /// <summary>Bytes of a slot that are not frame: the slot header and the virtio header.</summary>
    public const int SlotOverhead = TxDataOffset + VirtioNetHeaderLength;

    /// <summary>Smallest ring block: the kernel allocates the ring in blocks of whole pages.</summary>
    private const int MinBlockSize = 64 * 1024;

    /// <summary>Bytes of <c>struct virtio_net_hdr</c> in front of each frame; 0 without <c>PACKET_VNET_HDR</c>.</summary>
    private readonly int _vnetHeader;

    private readonly int _frameSize;
    private readonly nuint _mapLength;
    private int _fd;
    private byte* _map;

    /// <summary>Slot the next <see cref="TryAcquire"/> returns; the kernel's send position follows it.</summary>
    private int _head;

    /// <summary>Oldest committed slot not yet seen given back by the kernel.</summary>
    private int _tail;

    /// <summary>Committed slots not yet given back (between <see cref="_tail"/> and <see cref="_head"/>).</summary>
    private int _inFlight;

    /// <summary>Where a kick sends: the interface and, when not 0, the frames' EtherType (network order).</summary>
    private SockAddrLl _kickAddress;

    /// <summary>True between <see cref="TryAcquire"/> and <see cref="Commit"/>.</summary>
    private bool _acquired;

    private PacketTxRing(int fd, byte* map, nuint mapLength, int frameSize, int frameCount, int ifIndex, int vnetHeader, int deviceMaxFrame)
    {
        _fd = fd;
        _map = map;
        _mapLength = mapLength;
        _frameSize = frameSize;
        _vnetHeader = vnetHeader;
        FrameCount = frameCount;
        InterfaceIndex = ifIndex;
        MaxFrameLength = Math.Min(frameSize - TxDataOffset - vnetHeader, deviceMaxFrame);
    }

    /// <summary>Slots in the ring.</summary>
    public int FrameCount { get; }

    /// <summary>
    /// The longest frame (link-layer header included) a slot holds and the device took when the ring was
    /// opened (MTU + 14-byte Ethernet header + 4-byte VLAN tag, the kernel's own limit).
    /// </summary>
    public int MaxFrameLength { get; }

    /// <summary>True when the kernel copies each frame into the skb (<c>PACKET_VNET_HDR</c>), false when it attaches the slot's page.</summary>
    public bool CopiesIntoSkb => _vnetHeader > 0;

    /// <summary>The interface the socket is bound to.</summary>
    public int InterfaceIndex { get; }

    /// <summary>Committed frames the kernel has not given back yet (as of the last <see cref="Reclaim"/> or <see cref="TryAcquire"/>).</summary>
    public int InFlight => _inFlight;

    /// <summary>The socket, for <c>poll</c> or socket options; owned by the ring.</summary>
    public int FileDescriptor => _fd;

    /// <summary>
    /// Opens a ring on the interface <paramref name="ifIndex"/> of the calling thread's network namespace:
    /// <paramref name="frameCount"/> slots (rounded up to whole blocks) of <paramref name="frameSize"/> bytes
    /// each (a power of two from 64 to 65 536; 32 of them are the slot header). Throws
    /// <see cref="IOException"/> naming the step that failed (CAP_NET_RAW is needed).
    /// </summary>
    /// <param name="ifIndex">The interface.</param>
    /// <param name="frameSize">Bytes per slot.</param>
    /// <param name="frameCount">Slots wanted.</param>
    /// <param name="qdiscBypass"><c>PACKET_QDISC_BYPASS</c>.</param>
    /// <param name="etherType">The EtherType of every frame when they all have the same (0x0800, 0x86DD), else 0. Each kick
    /// then names it (<c>sll_protocol</c>), so the kernel does not read it out of every frame (measured ~3 % of the
    /// kernel's cost per frame on a veth).</param>
    public static PacketTxRing Open(int ifIndex, int frameSize, int frameCount, bool qdiscBypass = true, ushort etherType = 0)
    {
        if (frameSize < 64 || frameSize > 65_536 || (frameSize & (frameSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameSize), frameSize, "a power of two from 64 to 65536");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ifIndex, 1);
        int blockSize = Math.Max(frameSize, MinBlockSize);
        int framesPerBlock = blockSize / frameSize;
        int blocks = (frameCount + framesPerBlock - 1) / framesPerBlock;
        frameCount = blocks * framesPerBlock;

        int fd = Socket(AfPacket, SockRaw | SockCloexec, 0); // protocol 0: this socket receives nothing
        if (fd < 0)
        {
            throw Failure("socket(AF_PACKET)", " (needs CAP_NET_RAW)");
        }

        byte* map = null;
        nuint mapLength = (nuint)blockSize * (nuint)blocks;
        try
        {
            SetInt(fd, SolPacket, PacketVersion, TPacketV2, "PACKET_VERSION TPACKET_V2");
            SetInt(fd, SolPacket, PacketLoss, 1, "PACKET_LOSS");

            // Must precede PACKET_TX_RING. Where the kernel refuses it, frames stay zero-copy fragments.
            int vnetHeader = SetIntRaw(fd, SolPacket, PacketVnetHdr, 1) == 0 ? VirtioNetHeaderLength : 0;
            int deviceMaxFrame = DeviceMtu(fd, ifIndex) + EthernetHeaderWithVlan;
            if (qdiscBypass)
            {
                SetInt(fd, SolPacket, PacketQdiscBypass, 1, "PACKET_QDISC_BYPASS");
            }

            // Every in-flight frame is charged to the socket's send buffer: room for the whole ring,
            // or a kick stops with EAGAIN long before the ring is full.
            int sndbuf = (int)Math.Min(int.MaxValue / 2, (long)mapLength * 2);
            if (SetIntRaw(fd, SolSocket, SoSndBufForce, sndbuf) != 0)
            {
                SetIntRaw(fd, SolSocket, SoSndBuf, sndbuf); // capped at wmem_max; smaller batches still work
            }

            var req = new TPacketReq
            {
                BlockSize = (uint)blockSize,
                BlockCount = (uint)blocks,
                FrameSize = (uint)frameSize,
                FrameCount = (uint)frameCount,
            };
            if (SetSockOpt(fd, SolPacket, PacketTxRingOption, &req, (uint)sizeof(TPacketReq)) != 0)
            {
                throw Failure($"PACKET_TX_RING ({blocks} blocks of {blockSize} B)", "");
            }

            map = (byte*)MMap(null, mapLength, ProtReadWrite, MapShared, fd, 0);
            if (map == (byte*)-1)
            {
                map = null;
                throw Failure("mmap of the TX ring", "");
            }

            var address = new SockAddrLl { Family = AfPacket, IfIndex = ifIndex };
            if (Bind(fd, &address, (uint)sizeof(SockAddrLl)) != 0)
            {
                throw Failure($"bind to interface index {ifIndex}", "");
            }

            var ring = new PacketTxRing(fd, map, mapLength, frameSize, frameCount, ifIndex, vnetHeader, deviceMaxFrame);
            ring._kickAddress = new SockAddrLl { Family = AfPacket, Protocol = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(etherType), IfIndex = ifIndex };
            return ring;
        }
        catch
        {
            if (map is not null)
            {
                MUnmap(map, mapLength);
            }

            Close(fd);
            throw;
        }
    }

    /// <summary>Opens a ring on the interface called <paramref name="interfaceName"/>; see <see cref="Open(int, int, int, bool, ushort)"/>.</summary>
    public static PacketTxRing Open(string interfaceName, int frameSize, int frameCount, bool qdiscBypass = true, ushort etherType = 0) =>
        Open(IndexOf(interfaceName), frameSize, frameCount, qdiscBypass, etherType);

    /// <summary>The index of the interface <paramref name="interfaceName"/> in the calling thread's namespace.</summary>
    public static int IndexOf(string interfaceName)
    {
        uint index = IfNameToIndex(interfaceName);
        if (index == 0)
        {
            throw new IOException($"no interface '{interfaceName}': {ErrorText(Marshal.GetLastPInvokeError())}");
        }

        return (int)index;
    }

    /// <summary>
    /// The data area of the next free slot (<see cref="MaxFrameLength"/> bytes), or null when the kernel
    /// still holds it: the ring is full (congestion; <see cref="Kick"/> if frames wait, then
    /// <see cref="WaitForRoom"/> or drop). The slot is the caller's until <see cref="Commit"/>.
    /// </summary>
    public byte* TryAcquire()
    {
        ObjectDisposedException.ThrowIf(_map is null, this);
        if (_acquired)
        {
            throw new InvalidOperationException("the previous slot was acquired and not committed");
        }

        if (_inFlight == FrameCount)
        {
            Reclaim();
            if (_inFlight == FrameCount)
            {
                return null;
            }
        }

        byte* slot = Slot(_head);
        if (Status(slot) != StatusAvailable)
        {
            return null; // not reachable unless the kernel lags its own status words; treated as full
        }

        _acquired = true;
        return slot + TxDataOffset + _vnetHeader;
    }

    /// <summary>
    /// Hands the slot from <see cref="TryAcquire"/> to the kernel with <paramref name="length"/> bytes of
    /// frame; it is sent at the next <see cref="Kick"/>. From now on the slot is not the caller's.
    /// </summary>
    public void Commit(int length)
    {
        if (!_acquired)
        {
            throw new InvalidOperationException("no slot was acquired");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxFrameLength);
        byte* slot = Slot(_head);
        if (_vnetHeader > 0)
        {
            // virtio_net_hdr: no checksum offload, no GSO; hdr_len = the whole frame, copied into the skb's linear data.
            byte* vnet = slot + TxDataOffset;
            new Span<byte>(vnet, _vnetHeader).Clear();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(new Span<byte>(vnet + 2, 2), (ushort)length);
        }

        *(uint*)(slot + 4) = (uint)(length + _vnetHeader); // tp_len
        // The frame's bytes and tp_len must be visible before the kernel sees SEND_REQUEST.
        Volatile.Write(ref *(uint*)slot, StatusSendRequest);
        _acquired = false;
        _head = _head + 1 == FrameCount ? 0 : _head + 1;
        _inFlight++;
    }

    /// <summary>
    /// Asks the kernel to send every committed frame (<c>send(fd, NULL, 0, MSG_DONTWAIT)</c>); never sleeps.
    /// Returns true, or false with <paramref name="errno"/>: <c>ENOBUFS</c>/<c>EAGAIN</c> mean the device or
    /// the socket's send buffer is full, and the frames not sent stay committed for the next kick.
    /// </summary>
    public bool Kick(out int errno)
    {
        ObjectDisposedException.ThrowIf(_map is null, this);
        while (true)
        {
            nint r;
            fixed (SockAddrLl* address = &_kickAddress)
            {
                r = _kickAddress.Protocol == 0
                    ? Send(_fd, null, 0, MsgDontWait)
                    : SendTo(_fd, null, 0, MsgDontWait, address, (uint)sizeof(SockAddrLl));
            }

            if (r >= 0)
            {
                errno = 0;
                return true;
            }

            errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// Walks the committed slots in order and takes back those the kernel released; returns how many.
    /// A slot still held (an skb still points into it) stops the walk: slots are reused in order.
    /// </summary>
    public int Reclaim()
    {
        int released = 0;
        while (_inFlight > 0 && Status(Slot(_tail)) == StatusAvailable)
        {
            _tail = _tail + 1 == FrameCount ? 0 : _tail + 1;
            _inFlight--;
            released++;
        }

        return released;
    }

    /// <summary>
    /// Sleeps until the next slot is free or <paramref name="timeoutMs"/> passes (<c>poll</c> for
    /// <c>POLLOUT</c>, which the kernel raises when its current slot is available); true when a slot is free.
    /// Kick first: frames only committed are never released.
    /// </summary>
    public bool WaitForRoom(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_map is null, this);
        if (_inFlight < FrameCount || Reclaim() > 0)
        {
            return true;
        }

        var pfd = new PollFd { Fd = _fd, Events = PollOut };
        Poll(&pfd, 1, timeoutMs);
        return Reclaim() > 0 || _inFlight < FrameCount;
    }

    /// <summary>Closes the socket and unmaps the ring; frames not yet sent are lost.</summary>
    public void Dispose()
    {
        if (_map is not null)
        {
            MUnmap(_map, _mapLength);
            _map = null;
        }

        if (_fd >= 0)
        {
            Close(_fd);
            _fd = -1;
        }
    }

    private byte* Slot(int index)
    {
        // Blocks hold whole frames and frame sizes are powers of two ≤ the block size: frames are contiguous.
        return _map + ((nint)index * _frameSize);
    }

    private static uint Status(byte* slot) => Volatile.Read(ref *(uint*)slot);

    /// <summary>The MTU of interface <paramref name="ifIndex"/> (SIOCGIFMTU on <paramref name="fd"/>).</summary>
    private static int DeviceMtu(int fd, int ifIndex)
    {
        byte* ifreq = stackalloc byte[40];
        new Span<byte>(ifreq, 40).Clear();
        if (IfIndexToName((uint)ifIndex, ifreq) is null || Ioctl(fd, SiocGifMtu, ifreq) != 0)
        {
            throw Failure($"reading the MTU of interface index {ifIndex}", "");
        }

        return *(int*)(ifreq + 16);
    }

    private static void SetInt(int fd, int level, int name, int value, string what)
    {
        if (SetIntRaw(fd, level, name, value) != 0)
        {
            throw Failure(what, "");
        }
    }

    private static int SetIntRaw(int fd, int level, int name, int value) => SetSockOpt(fd, level, name, &value, sizeof(int));

    private static IOException Failure(string what, string hint)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"AF_PACKET TX ring: {what} failed: {ErrorText(errno)}{hint}");
    }
}
