using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Cpworker.Tests.Support;

/// <summary>Socket settings and ports test receivers need.</summary>
internal static class TestSockets
{
    /// <summary>A loopback TCP port free now: the OS picks it and we release it for the server under test to take.</summary>
    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Gives a receiving socket a 64 MiB buffer. <c>rmem_max</c> caps <see cref="Socket.ReceiveBufferSize"/>
    /// (4 MiB here), and a receiver thread starved on a loaded machine then loses datagrams in its
    /// own socket; as root, <c>SO_RCVBUFFORCE</c> lifts the cap.
    /// </summary>
    public static void LargeReceiveBuffer(Socket socket)
    {
        socket.ReceiveBufferSize = 8 << 20;
        Span<byte> size = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(size, 64 << 20);
        try
        {
            socket.SetRawSocketOption(1 /* SOL_SOCKET */, 33 /* SO_RCVBUFFORCE */, size);
        }
        catch (SocketException)
        {
            // Not root: keep the capped buffer.
        }
    }
}
