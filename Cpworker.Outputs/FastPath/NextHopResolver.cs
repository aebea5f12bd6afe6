using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Cpworker.Outputs.FastPath.RtNetlinkInterop;

namespace Cpworker.Outputs.FastPath;

/// <summary>
/// Asks the kernel where a datagram to one destination goes: <c>RTM_GETROUTE</c> for the egress interface,
/// source address, gateway and MTU, then <c>RTM_GETNEIGH</c> for the next hop's MAC (none on <c>lo</c>),
/// and the interface's MAC and MTU by ioctl. The kernel stays the only source of routing truth: we never
/// resolve a neighbour ourselves (an unresolved one is resolved by sending through the socket path).
/// </summary>
/// <remarks>
/// One thread at a time (the output's sender). Buffers are allocated once; a lookup allocates nothing.
/// Every call waits at most <see cref="ReplyTimeoutMs"/> for the kernel's answer.
/// </remarks>
internal sealed unsafe class NextHopResolver : IDisposable
{
    /// <summary>Longest wait for a netlink reply.</summary>
    private const int ReplyTimeoutMs = 500;

    private const int BufferBytes = 16 * 1024;

    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
    private readonly byte[] _ifreq = GC.AllocateArray<byte>(40, pinned: true);
    private int _netlink;
    private int _ioctlSocket;
    private uint _sequence;

    /// <summary>Opens the netlink and ioctl sockets in the calling thread's network namespace.</summary>
    public NextHopResolver()
    {
        _netlink = Socket(AfNetlink, SockRawCloexec, NetlinkRoute);
        _ioctlSocket = Socket(2, SockDgramCloexec, 0);
        if (_netlink < 0 || _ioctlSocket < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            Dispose();
            throw new IOException($"cannot open a netlink route socket: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        long* timeout = stackalloc long[2] { 0, ReplyTimeoutMs * 1000L }; // struct timeval
        SetSockOpt(_netlink, SolSocket, SoRcvTimeo, timeout, 16);
    }

    /// <summary>
    /// Looks up the next hop for <paramref name="destination"/>, out of <paramref name="outputInterface"/>
    /// when it is not 0 (<c>bind_device</c>). <paramref name="hop"/> is set only when the result is
    /// <see cref="NextHopStatus.Resolved"/>.
    /// </summary>
    public NextHopStatus Lookup(IPAddress destination, int outputInterface, out NextHop hop)
    {
        hop = default;
        bool ipv6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        Span<byte> dst = stackalloc byte[16];
        dst.Clear();
        destination.TryWriteBytes(dst, out int addressLength);
        dst = dst[..addressLength];
        if (!ipv6 && dst[0] == 127)
        {
            return NextHopStatus.Ipv4Local;
        }

        if (!QueryRoute(dst, ipv6, outputInterface, out int ifIndex, out UInt128 source, out UInt128 gateway, out int routeMtu, out bool local))
        {
            return NextHopStatus.NoRoute;
        }

        if (local && !ipv6)
        {
            return NextHopStatus.Ipv4Local;
        }

        if (!InterfaceInfo(ifIndex, out ushort hardwareType, out ulong sourceMac, out int interfaceMtu))
        {
            return NextHopStatus.NoRoute;
        }

        int mtu = routeMtu > 0 ? Math.Min(routeMtu, interfaceMtu) : interfaceMtu;
        ulong destinationMac = 0;
        if (hardwareType == ArphrdEther)
        {
            if (!QueryNeighbour(gateway, addressLength, ipv6, ifIndex, out destinationMac))
            {
                return NextHopStatus.NeighbourUnresolved;
            }
        }
        else if (hardwareType != ArphrdLoopback)
        {
            return NextHopStatus.UnsupportedInterface;
        }

        hop = new NextHop(ifIndex, mtu, sourceMac, destinationMac, source, gateway, ipv6);
        return NextHopStatus.Resolved;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_netlink >= 0)
        {
            Close(_netlink);
            _netlink = -1;
        }

        if (_ioctlSocket >= 0)
        {
            Close(_ioctlSocket);
            _ioctlSocket = -1;
        }
    }

    private bool QueryRoute(ReadOnlySpan<byte> dst, bool ipv6, int outputInterface, out int ifIndex, out UInt128 source, out UInt128 gateway, out int mtu, out bool local)
    {
        local = false;
        ifIndex = 0;
        source = default;
        gateway = default;
        mtu = 0;
        Span<byte> b = _buffer;
        b[..64].Clear();
        int length = 16 + 12;
        b[16] = (byte)(ipv6 ? 10 : 2); // rtm_family
        b[17] = (byte)(dst.Length * 8); // rtm_dst_len
        length = PutAttribute(b, length, RtaDst, dst);
        if (outputInterface > 0)
        {
            Span<byte> oif = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(oif, outputInterface);
            length = PutAttribute(b, length, RtaOif, oif);
        }

        if (!Exchange(length, RtmGetRoute, RtmNewRoute, out int at, out int messageLength))
        {
            return false;
        }

        byte type = b[at + 16 + 7];
        if (type is not (RtnUnicast or RtnLocal))
        {
            return false;
        }

        local = type == RtnLocal;
        gateway = Raw(dst);
        for (int a = at + 16 + 12; a + 4 <= at + messageLength;)
        {
            int attributeLength = BinaryPrimitives.ReadUInt16LittleEndian(b[a..]);
            ushort attributeType = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(b[(a + 2)..]) & 0x3FFF);
            if (attributeLength < 4)
            {
                break;
            }

            ReadOnlySpan<byte> value = b.Slice(a + 4, attributeLength - 4);
            switch (attributeType)
            {
                case RtaOif:
                    ifIndex = BinaryPrimitives.ReadInt32LittleEndian(value);
                    break;
                case RtaPrefSrc:
                    source = Raw(value);
                    break;
                case RtaGateway:
                    gateway = Raw(value);
                    break;
                case RtaMetrics:
                    mtu = MetricsMtu(value);
                    break;
            }

            a += (attributeLength + 3) & ~3;
        }

        if (type == RtnLocal)
        {
            source = source == default ? Raw(dst) : source; // to ourselves: the kernel uses the destination as source
        }

        return ifIndex > 0 && source != default;
    }

    private bool QueryNeighbour(UInt128 address, int addressLength, bool ipv6, int ifIndex, out ulong mac)
    {
        mac = 0;
        Span<byte> b = _buffer;
        b[..64].Clear();
        b[16] = (byte)(ipv6 ? 10 : 2); // ndm_family
        BinaryPrimitives.WriteInt32LittleEndian(b[20..], ifIndex);
        Span<byte> raw = stackalloc byte[16];
        MemoryMarshal.Write(raw, in address);
        int length = PutAttribute(b, 16 + 12, NdaDst, raw[..addressLength]);
        if (!Exchange(length, RtmGetNeigh, RtmNewNeigh, out int at, out int messageLength))
        {
            return false;
        }

        ushort state = BinaryPrimitives.ReadUInt16LittleEndian(b[(at + 16 + 8)..]);
        if ((state & NudValid) == 0)
        {
            return false;
        }

        for (int a = at + 16 + 12; a + 4 <= at + messageLength;)
        {
            int attributeLength = BinaryPrimitives.ReadUInt16LittleEndian(b[a..]);
            if (attributeLength < 4)
            {
                break;
            }

            if (BinaryPrimitives.ReadUInt16LittleEndian(b[(a + 2)..]) == NdaLladdr && attributeLength - 4 == 6)
            {
                Span<byte> m = stackalloc byte[8];
                m.Clear();
                b.Slice(a + 4, 6).CopyTo(m);
                mac = BinaryPrimitives.ReadUInt64LittleEndian(m);
                return mac != 0;
            }

            a += (attributeLength + 3) & ~3;
        }

        return false;
    }

    /// <summary>Sends the request in <see cref="_buffer"/>[0, length) and finds the reply of <paramref name="replyType"/> with our sequence number.</summary>
    private bool Exchange(int length, ushort requestType, ushort replyType, out int at, out int messageLength)
    {
        at = 0;
        messageLength = 0;
        Span<byte> b = _buffer;
        uint sequence = ++_sequence;
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(b[4..], requestType);
        BinaryPrimitives.WriteUInt16LittleEndian(b[6..], NlmFRequest);
        BinaryPrimitives.WriteUInt32LittleEndian(b[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(b[12..], 0);
        fixed (byte* p = _buffer)
        {
            if (Send(_netlink, p, (nuint)length, 0) != length)
            {
                return false;
            }

            // A reply with an older sequence number (a lookup that timed out) is skipped.
            for (int attempt = 0; attempt < 4; attempt++)
            {
                nint received = Recv(_netlink, p, BufferBytes, 0);
                if (received < 16)
                {
                    return false;
                }

                for (int m = 0; m + 16 <= received;)
                {
                    int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(b[m..]);
                    ushort type = BinaryPrimitives.ReadUInt16LittleEndian(b[(m + 4)..]);
                    uint seq = BinaryPrimitives.ReadUInt32LittleEndian(b[(m + 8)..]);
                    if (len < 16 || m + len > received)
                    {
                        break;
                    }

                    if (seq == sequence)
                    {
                        if (type == replyType)
                        {
                            at = m;
                            messageLength = len;
                            return true;
                        }

                        if (type == NlmsgError)
                        {
                            return false; // ENETUNREACH, ENOENT …: no answer for this destination
                        }
                    }

                    m += (len + 3) & ~3;
                }
            }
        }

        return false;
    }

    private bool InterfaceInfo(int ifIndex, out ushort hardwareType, out ulong mac, out int mtu)
    {
        hardwareType = 0;
        mac = 0;
        mtu = 0;
        fixed (byte* r = _ifreq)
        {
            new Span<byte>(r, 40).Clear();
            if (IfIndexToName((uint)ifIndex, r) is null)
            {
                return false;
            }

            if (Ioctl(_ioctlSocket, SiocGifMtu, r) != 0)
            {
                return false;
            }

            mtu = BinaryPrimitives.ReadInt32LittleEndian(_ifreq.AsSpan(16));
            if (Ioctl(_ioctlSocket, SiocGifHwAddr, r) != 0)
            {
                return false;
            }

            hardwareType = BinaryPrimitives.ReadUInt16LittleEndian(_ifreq.AsSpan(16)); // sockaddr.sa_family
            Span<byte> m = stackalloc byte[8];
            m.Clear();
            _ifreq.AsSpan(18, 6).CopyTo(m);
            mac = BinaryPrimitives.ReadUInt64LittleEndian(m);
        }

        return true;
    }

    private static int MetricsMtu(ReadOnlySpan<byte> nested)
    {
        for (int a = 0; a + 4 <= nested.Length;)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(nested[a..]);
            if (len < 4 || a + len > nested.Length)
            {
                break;
            }

            if (BinaryPrimitives.ReadUInt16LittleEndian(nested[(a + 2)..]) == RtaxMtu && len >= 8)
            {
                return BinaryPrimitives.ReadInt32LittleEndian(nested[(a + 4)..]);
            }

            a += (len + 3) & ~3;
        }

        return 0;
    }

    private static int PutAttribute(Span<byte> b, int at, ushort type, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(b[at..], (ushort)(4 + value.Length));
        BinaryPrimitives.WriteUInt16LittleEndian(b[(at + 2)..], type);
        value.CopyTo(b[(at + 4)..]);
        return at + ((4 + value.Length + 3) & ~3);
    }

    private static UInt128 Raw(ReadOnlySpan<byte> address)
    {
        Span<byte> b = stackalloc byte[16];
        b.Clear();
        address[..Math.Min(16, address.Length)].CopyTo(b);
        return MemoryMarshal.Read<UInt128>(b);
    }
}
