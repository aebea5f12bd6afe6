using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.FastPath;

/// <summary>Builds the transport of a GRE or VXLAN output for its <c>send_path</c>.</summary>
internal static class TunnelTransports
{
    /// <summary>
    /// The socket path alone (<see cref="SendPath.Socket"/>), or the ring in front of it. Owns
    /// <paramref name="socket"/> from now on. For VXLAN the socket is bound first, so that the ring's frames
    /// carry the same UDP source port as the socket's datagrams.
    /// </summary>
    public static OutputTransport Create(
        Socket socket,
        IPEndPoint destination,
        bool udp,
        string? bindDevice,
        PmtuDiscovery? pmtu,
        SendPath path,
        int maxDatagram,
        OutputContext context)
    {
        ushort sourcePort = 0;
        if (path != SendPath.Socket && udp)
        {
            try
            {
                socket.Bind(new IPEndPoint(destination.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0));
                sourcePort = (ushort)((IPEndPoint)socket.LocalEndPoint!).Port;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new OutputStartException($"cannot bind the VXLAN socket: {ex.Message}", ex);
            }
        }

        var socketPath = new DatagramTransport(socket, destination, DatagramBuffers.MaxMessages, context);
        if (path == SendPath.Socket)
        {
            return socketPath;
        }

        try
        {
            var headers = new OuterHeaders(destination.Address, udp, sourcePort, (ushort)destination.Port, pmtu);
            return new RingDatagramTransport(socketPath, headers, destination.Address, bindDevice, maxDatagram, path, context);
        }
        catch
        {
            socketPath.Dispose();
            throw;
        }
    }
}
