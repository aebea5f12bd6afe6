using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A UDP socket on 127.0.0.1 that a thread drains with <c>recvmmsg</c>, 64 datagrams per call, so
/// that receiving costs as little CPU as it can on a machine the daemon shares. The thread empties
/// the socket, then sleeps a millisecond: nobody waits on the socket while datagrams arrive, so the
/// sender's kernel path does not wake a receiver for every few datagrams (on loopback the sender
/// pays for that). The 32 MB buffer holds what arrives meanwhile.
/// </summary>
internal sealed unsafe partial class UdpDrain : ILoopbackReceiver
{
    private const int Batch = 64;
    private const int SlotBytes = 2048;
    private const int MsgDontWait = 0x40;
    private const int ReceiveBufferBytes = 32 << 20;

    private readonly Socket _socket;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _received;

    /// <summary>Binds 127.0.0.1:<paramref name="port"/> (0 = any free port) and starts draining.</summary>
    public UdpDrain(int port)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

        // SO_RCVBUFFORCE (we are root): SO_RCVBUF stops at rmem_max, about 200 KB, a few dozen datagrams.
        Span<byte> size = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(size, ReceiveBufferBytes);
        _socket.SetRawSocketOption(1 /* SOL_SOCKET */, 33 /* SO_RCVBUFFORCE */, size);
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Drain) { IsBackground = true, Name = "udp-drain" };
        _thread.Start();
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <inheritdoc/>
    public long Received => Interlocked.Read(ref _received);

    /// <inheritdoc/>
    public void Reset() => Interlocked.Exchange(ref _received, 0);

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join();
        _socket.Dispose();
    }

    private void Drain()
    {
        byte* data = (byte*)NativeMemory.Alloc(Batch * SlotBytes);
        IoVec* iov = (IoVec*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(IoVec)));
        MMsgHdr* msgs = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Batch * sizeof(MMsgHdr)));
        try
        {
            for (int i = 0; i < Batch; i++)
            {
                iov[i].Base = data + i * SlotBytes;
                iov[i].Length = SlotBytes;
                msgs[i].Header.Iov = &iov[i];
                msgs[i].Header.IovLength = 1;
            }

            int fd = (int)_socket.Handle;
            while (!_stop)
            {
                int n = RecvMmsg(fd, msgs, Batch, MsgDontWait, null);
                if (n > 0)
                {
                    Interlocked.Add(ref _received, n);
                }
                else
                {
                    Thread.Sleep(1);
                }
            }
        }
        finally
        {
            NativeMemory.Free(data);
            NativeMemory.Free(iov);
            NativeMemory.Free(msgs);
        }
    }

    [LibraryImport("libc", EntryPoint = "recvmmsg")]
    private static partial int RecvMmsg(int fd, MMsgHdr* msgs, uint count, int flags, void* timeout);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
