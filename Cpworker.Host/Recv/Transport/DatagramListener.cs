using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Senders;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv.Transport;

/// <summary>
/// VXLAN on a UDP socket, or GRE on a raw IPv4/IPv6 socket of protocol 47 (this kernel cannot
/// decapsulate GRE itself). Reads up to 64 datagrams per <c>recvmmsg</c> into preallocated native
/// slots; nothing is allocated per datagram.
/// </summary>
internal sealed unsafe class DatagramListener : RecvListener
{
    private const int Slots = 64;
    private const int SlotBytes = 65_536;
    private const int NameBytes = 32;
    private const int ReceiveBufferBytes = 32 << 20;

    private readonly IPEndPoint _bind;
    private readonly bool _gre;
    private readonly VxlanTagLayout _layout;
    private readonly bool _captureTime;
    private Socket? _socket;
    private byte* _memory;

    private DatagramListener(string kind, IPEndPoint bind, bool gre, VxlanTagLayout layout, bool captureTime, ILogger logger)
        : base(kind, logger)
    {
        _bind = bind;
        _gre = gre;
        _layout = layout;
        _captureTime = captureTime;
    }

    /// <summary>A VXLAN listener on UDP <paramref name="bind"/> (port 0: the OS chooses).</summary>
    public static DatagramListener Vxlan(IPEndPoint bind, VxlanTagLayout layout, bool captureTime, ILogger logger) =>
        new("vxlan", bind, gre: false, layout, captureTime, logger);

    /// <summary>A GRE listener on a raw socket bound to <paramref name="address"/> (Any/IPv6Any: every address of its family).</summary>
    public static DatagramListener Gre(IPAddress address, ILogger logger) =>
        new("gre", new IPEndPoint(address, 0), gre: true, VxlanTagLayout.Vni1, false, logger);

    /// <summary>The local endpoint once open (the port the OS chose for port 0).</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    /// <inheritdoc/>
    public override void Open()
    {
        bool v6 = _bind.AddressFamily == AddressFamily.InterNetworkV6;
        Socket socket;
        if (_gre)
        {
            // .NET refuses raw sockets of protocol 47: make the fd ourselves (docs/recv.md#gre).
            int fd = RecvInterop.Socket(v6 ? RecvInterop.AfInet6 : RecvInterop.AfInet, RecvInterop.SockRaw | RecvInterop.SockCloexec, RecvInterop.ProtoGre);
            if (fd < 0)
            {
                throw new RecvException($"gre {_bind.Address}: cannot open a raw IP socket of protocol 47: {RecvInterop.ErrorText(Marshal.GetLastPInvokeError())} (needs CAP_NET_RAW)");
            }

            socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        else
        {
            socket = new Socket(_bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }

        try
        {
            if (v6 && !_gre)
            {
                socket.DualMode = false;
            }

            socket.Bind(_bind);
            socket.Blocking = true;
            socket.ReceiveTimeout = 200; // SO_RCVTIMEO: the loop looks at the stop flag this often
            try
            {
                socket.SetRawSocketOption(RecvInterop.SolSocket, RecvInterop.SoRcvBufForce, BitConverter.GetBytes(ReceiveBufferBytes));
            }
            catch (SocketException)
            {
                socket.ReceiveBufferSize = ReceiveBufferBytes; // capped at rmem_max without CAP_NET_ADMIN
            }
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new RecvException($"{Kind} {FormatEndpoint(_bind)}: cannot bind: {ex.Message}");
        }

        _socket = socket;
        LocalEndPoint = _gre ? _bind : (IPEndPoint)socket.LocalEndPoint!;
        Name = _gre ? $"gre {_bind.Address}" : $"vxlan {FormatEndpoint(LocalEndPoint)}";
        Senders = new SenderTable(Name, _gre ? GreTag : VxlanTag);
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(Slots * (SlotBytes + NameBytes + sizeof(RecvInterop.IoVec) + sizeof(RecvInterop.MMsgHdr))), 64);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _socket?.Dispose();
        if (_memory is not null)
        {
            NativeMemory.AlignedFree(_memory);
            _memory = null;
        }
    }

    /// <summary><c>ADDR:PORT</c>, IPv6 in brackets.</summary>
    public static string FormatEndpoint(IPEndPoint ep) =>
        ep.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{ep.Address}]:{ep.Port}" : $"{ep.Address}:{ep.Port}";

    /// <inheritdoc/>
    protected override void Run(IFrameSink sink)
    {
        int fd = (int)_socket!.SafeHandle.DangerousGetHandle();
        byte* data = _memory;
        byte* names = data + Slots * SlotBytes;
        var iov = (RecvInterop.IoVec*)(names + Slots * NameBytes);
        var headers = (RecvInterop.MMsgHdr*)(iov + Slots);
        for (int i = 0; i < Slots; i++)
        {
            iov[i] = new RecvInterop.IoVec { Base = data + i * SlotBytes, Length = SlotBytes };
            headers[i] = new RecvInterop.MMsgHdr { Name = names + i * NameBytes, Iov = iov + i, IovLength = 1 };
        }

        bool ipv4Raw = _gre && _bind.AddressFamily == AddressFamily.InterNetwork;
        while (!Stopping)
        {
            for (int i = 0; i < Slots; i++)
            {
                headers[i].NameLength = NameBytes;
            }

            int n = RecvInterop.RecvMMsg(fd, headers, Slots, RecvInterop.MsgWaitForOne, null);
            if (n <= 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno is not (RecvInterop.EAgain or RecvInterop.EIntr))
                {
                    Logger.LogError("{Listener}: recvmmsg failed: {Error}", Name, RecvInterop.ErrorText(errno));
                    Thread.Sleep(100);
                }

                continue;
            }

            long arrival = NowNanos();
            Received += n;
            lock (sink.Gate)
            {
                for (int i = 0; i < n; i++)
                {
                    var datagram = new ReadOnlySpan<byte>(data + i * SlotBytes, (int)headers[i].Length);
                    var name = new ReadOnlySpan<byte>(names + i * NameBytes, (int)Math.Min(headers[i].NameLength, NameBytes));
                    DecodeStatus status = _gre
                        ? ipv4Raw ? GreDecoder.DecodeIpv4(datagram, out DecodedFrame frame) : GreDecoder.Decode(datagram, out frame)
                        : VxlanDecoder.Decode(datagram, _layout, _captureTime, out frame);
                    if (status != DecodeStatus.Ok)
                    {
                        CountMalformed(Senders.Find(name, 0, hasTag: false, withPort: !_gre), status);
                        continue;
                    }

                    Deliver(sink, Senders.Find(name, frame.Tag, hasTag: true, withPort: !_gre), datagram, frame, arrival);
                }
            }

            if (n < Slots / 4)
            {
                // A trickle: wait 1 ms for more rather than pay a system call per datagram (the
                // socket buffer holds 32 MiB; at full rate every call returns a full batch).
                Thread.Sleep(1);
            }
        }
    }

    private static string GreTag(uint tag) => "tag 0x" + tag.ToString("x", CultureInfo.InvariantCulture);

    private string VxlanTag(uint tag) =>
        (_layout == VxlanTagLayout.Vni2 ? "vni2 0x" : "vni1 0x") + tag.ToString("x", CultureInfo.InvariantCulture);
}
