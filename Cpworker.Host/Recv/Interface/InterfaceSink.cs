using System.Runtime.InteropServices;
using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Senders;
using Cpworker.Host.Recv.Transport;

namespace Cpworker.Host.Recv.Interface;

/// <summary>
/// <c>--to-interface NAME</c>: re-emits every frame onto a local interface so that any sniffer
/// (tcpdump, Zeek, Suricata) sees the probe's traffic as if it were local. A missing NAME is
/// created as a TAP device that lives as long as recv (frames written to it arrive as received on
/// NAME); an existing interface gets the frames through an AF_PACKET socket (as transmitted on it).
/// Direction and capture time are not carried (an interface has no place for them).
/// </summary>
internal sealed unsafe class InterfaceSink : IFrameSink
{
    private const nuint TunSetIff = 0x400454CA;
    private const nuint SiocGetFlags = 0x8913;
    private const nuint SiocSetFlags = 0x8914;
    private const nuint SiocSetMtu = 0x8922;
    private const short IffTap = 0x0002;
    private const short IffNoPi = 0x1000;
    private const short IffUp = 0x0001;
    private const int TapMtu = 65_521;

    private readonly int _fd;
    private readonly bool _packetSocket;

    private InterfaceSink(string name, int fd, bool created)
    {
        Name = name;
        _fd = fd;
        Created = created;
        _packetSocket = !created;
    }

    /// <summary>The interface.</summary>
    public string Name { get; }

    /// <summary>True when recv created it as a TAP device (it disappears when recv ends).</summary>
    public bool Created { get; }

    /// <summary>Bytes the last failed write reported (errno), for the log.</summary>
    public int LastError { get; private set; }

    /// <inheritdoc/>
    public object Gate { get; } = new();

    /// <summary>Opens NAME: an AF_PACKET socket when it exists, else a new TAP device brought up with a 64 KiB MTU.</summary>
    public static InterfaceSink Open(string name)
    {
        if (name.Length == 0 || name.Length > 15 || name.Contains('/'))
        {
            throw new RecvException($"--to-interface: \"{name}\" is not an interface name (1-15 characters, no '/')");
        }

        return Directory.Exists($"/sys/class/net/{name}") ? OpenExisting(name) : CreateTap(name);
    }

    /// <inheritdoc/>
    public bool Write(SenderEntry sender, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, PacketDirection direction)
    {
        fixed (byte* p = frame)
        {
            nint n = _packetSocket ? RecvInterop.Send(_fd, p, (nuint)frame.Length, 0) : RecvInterop.Write(_fd, p, (nuint)frame.Length);
            if (n == frame.Length)
            {
                return true;
            }

            LastError = Marshal.GetLastPInvokeError();
            return false;
        }
    }

    /// <inheritdoc/>
    public void Tick()
    {
    }

    /// <inheritdoc/>
    public void Dispose() => RecvInterop.Close(_fd);

    private static InterfaceSink OpenExisting(string name)
    {
        uint index = RecvInterop.IfNameToIndex(name);
        int fd = RecvInterop.Socket(RecvInterop.AfPacket, RecvInterop.SockRaw | RecvInterop.SockCloexec, 0);
        if (index == 0 || fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (fd >= 0)
            {
                RecvInterop.Close(fd);
            }

            throw new RecvException($"--to-interface {name}: cannot open an AF_PACKET socket on it: {RecvInterop.ErrorText(errno)}");
        }

        // struct sockaddr_ll: family, protocol (0: send only), ifindex, then unused fields.
        byte* sll = stackalloc byte[20];
        new Span<byte>(sll, 20).Clear();
        *(ushort*)sll = RecvInterop.AfPacket;
        *(int*)(sll + 4) = (int)index;
        if (RecvInterop.Bind(fd, sll, 20) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            RecvInterop.Close(fd);
            throw new RecvException($"--to-interface {name}: cannot bind an AF_PACKET socket to it: {RecvInterop.ErrorText(errno)}");
        }

        return new InterfaceSink(name, fd, created: false);
    }

    private static InterfaceSink CreateTap(string name)
    {
        int fd = RecvInterop.Open("/dev/net/tun", RecvInterop.OpenReadWriteCloexec);
        if (fd < 0)
        {
            throw new RecvException($"--to-interface {name}: no such interface, and /dev/net/tun cannot be opened to create it: {RecvInterop.ErrorText(Marshal.GetLastPInvokeError())}");
        }

        byte* ifr = stackalloc byte[40];
        SetName(ifr, name);
        *(short*)(ifr + 16) = IffTap | IffNoPi;
        if (RecvInterop.Ioctl(fd, TunSetIff, ifr) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            RecvInterop.Close(fd);
            throw new RecvException($"--to-interface {name}: cannot create a TAP device: {RecvInterop.ErrorText(errno)} (needs CAP_NET_ADMIN)");
        }

        int control = RecvInterop.Socket(RecvInterop.AfInet, RecvInterop.SockDgram | RecvInterop.SockCloexec, 0);
        try
        {
            SetName(ifr, name);
            *(int*)(ifr + 16) = TapMtu;
            RecvInterop.Ioctl(control, SiocSetMtu, ifr); // best effort: large frames fail one by one otherwise
            SetName(ifr, name);
            if (RecvInterop.Ioctl(control, SiocGetFlags, ifr) != 0 || SetUp(control, ifr) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                RecvInterop.Close(fd);
                throw new RecvException($"--to-interface {name}: created, but cannot bring it up: {RecvInterop.ErrorText(errno)}");
            }
        }
        finally
        {
            RecvInterop.Close(control);
        }

        return new InterfaceSink(name, fd, created: true);
    }

    private static int SetUp(int control, byte* ifr)
    {
        *(short*)(ifr + 16) |= IffUp;
        return RecvInterop.Ioctl(control, SiocSetFlags, ifr);
    }

    private static void SetName(byte* ifr, string name)
    {
        var span = new Span<byte>(ifr, 40);
        span.Clear();
        System.Text.Encoding.ASCII.GetBytes(name, span[..16]);
    }
}
