using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Common;

/// <summary>
/// Opens the sockets of the datagram outputs: UDP for VXLAN, raw IP protocol 47 for GRE, with
/// <c>bind_device</c> and <c>pmtudisc</c> applied (docs/wire-formats.md, "GRE").
/// </summary>
/// <remarks>
/// The sockets stay unconnected and every datagram names its destination: an ICMP error caused by
/// one datagram (port or protocol unreachable at a collector that only sniffs) would otherwise fail
/// the next, unrelated send on a connected socket and lose a good packet.
/// </remarks>
internal static unsafe class DatagramSockets
{
    /// <summary>Send buffer asked for: room for a few batches of large datagrams.</summary>
    public const int SendBufferBytes = 4 << 20;

    /// <summary>A UDP socket for <paramref name="destination"/>'s family.</summary>
    public static Socket CreateUdp(IPEndPoint destination, string? bindDevice, PmtuDiscovery? pmtu)
    {
        var socket = new Socket(destination.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        Configure(socket, destination.AddressFamily, bindDevice, pmtu);
        return socket;
    }

    /// <summary>
    /// A raw IP socket of protocol 47 for <paramref name="destination"/>'s family; the kernel writes
    /// the outer IP header. .NET refuses raw sockets of this protocol, hence <c>socket(2)</c>.
    /// </summary>
    public static Socket CreateRawGre(IPAddress destination, string? bindDevice, PmtuDiscovery? pmtu)
    {
        int domain = destination.AddressFamily == AddressFamily.InterNetworkV6 ? SocketInterop.AfInet6 : SocketInterop.AfInet;
        int fd = SocketInterop.Socket(domain, SocketInterop.SockRaw | SocketInterop.SockCloexec, SocketInterop.ProtoGre);
        if (fd < 0)
        {
            int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            throw new OutputStartException($"cannot open a raw GRE socket: {SocketInterop.ErrorText(errno)} (cpworker needs root or CAP_NET_RAW)");
        }

        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true));
        try
        {
            Configure(socket, destination.AddressFamily, bindDevice, pmtu);
            DropEverythingReceived(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>
    /// The native <c>sockaddr_in</c>/<c>sockaddr_in6</c> of <paramref name="destination"/>, as
    /// <c>msg_name</c> wants it. Raw sockets take port 0.
    /// </summary>
    public static byte[] NativeAddress(IPEndPoint destination)
    {
        byte[] a;
        if (destination.AddressFamily == AddressFamily.InterNetworkV6)
        {
            a = new byte[28];
            BinaryPrimitives.WriteUInt16LittleEndian(a, SocketInterop.AfInet6);
            BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), (ushort)destination.Port);
            destination.Address.TryWriteBytes(a.AsSpan(8, 16), out _);
            BinaryPrimitives.WriteUInt32LittleEndian(a.AsSpan(24), (uint)destination.Address.ScopeId);
        }
        else
        {
            a = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(a, SocketInterop.AfInet);
            BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), (ushort)destination.Port);
            destination.Address.TryWriteBytes(a.AsSpan(4, 4), out _);
        }

        return a;
    }

    private static void Configure(Socket socket, AddressFamily family, string? bindDevice, PmtuDiscovery? pmtu)
    {
        if (!string.IsNullOrEmpty(bindDevice))
        {
            byte[] name = Encoding.UTF8.GetBytes(bindDevice + "\0");
            Apply(socket, SocketInterop.SolSocket, SocketInterop.SoBindToDevice, name, $"bind_device '{bindDevice}'");
        }

        if (pmtu is { } mode)
        {
            Span<byte> value = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(value, (int)mode);
            // IP_MTU_DISCOVER must be set raw: SocketOptionName 10 at SocketOptionLevel.IP is IP_MULTICAST_TTL in .NET.
            if (family == AddressFamily.InterNetworkV6)
            {
                Apply(socket, SocketInterop.SolIpv6, SocketInterop.Ipv6MtuDiscover, value, $"pmtudisc {mode}");
            }
            else
            {
                Apply(socket, SocketInterop.SolIp, SocketInterop.IpMtuDiscover, value, $"pmtudisc {mode}");
            }
        }

        RaiseSendBuffer(socket);
    }

    private static void Apply(Socket socket, int level, int option, ReadOnlySpan<byte> value, string what)
    {
        try
        {
            socket.SetRawSocketOption(level, option, value);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new OutputStartException($"{what}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// A burst of large datagrams must not meet <c>EAGAIN</c> while the NIC drains the previous one:
    /// ask for <see cref="SendBufferBytes"/>, past <c>wmem_max</c> when privileged.
    /// </summary>
    private static void RaiseSendBuffer(Socket socket)
    {
        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(value, SendBufferBytes);
        try
        {
            socket.SetRawSocketOption(SocketInterop.SolSocket, SocketInterop.SoSndBufForce, value);
        }
        catch (SocketException)
        {
            try
            {
                socket.SendBufferSize = SendBufferBytes; // capped by the kernel at wmem_max
            }
            catch (SocketException)
            {
                // The default buffer still works; bursts may meet EAGAIN (counted as drops).
            }
        }
    }

    /// <summary>
    /// A raw socket of protocol 47 also receives every GRE packet that reaches this host; a filter
    /// that accepts nothing keeps those from piling up in a receive queue nobody reads.
    /// </summary>
    private static void DropEverythingReceived(Socket socket)
    {
        // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; } = BPF_RET|BPF_K, k = 0 (accept 0 bytes).
        ulong instruction = 0x06;
        Span<byte> program = stackalloc byte[16]; // struct sock_fprog { u16 len; (pad) struct sock_filter* filter; }
        program.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(program, 1);
        BinaryPrimitives.WriteUInt64LittleEndian(program[8..], (ulong)&instruction);
        try
        {
            socket.SetRawSocketOption(SocketInterop.SolSocket, SocketInterop.SoAttachFilter, program);
        }
        catch (SocketException)
        {
            // Not fatal: the receive queue is bounded by rcvbuf anyway.
        }
    }
}
