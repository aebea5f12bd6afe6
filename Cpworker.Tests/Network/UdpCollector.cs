using Cpworker.Tests.Support;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Cpworker.Tests.Network;

/// <summary>A UDP socket on 127.0.0.1 drained by its own thread into a list, so bursts are not lost to a small receive buffer.</summary>
internal sealed class UdpCollector : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private volatile bool _stop;

    /// <summary>Binds to a free port of <paramref name="address"/> (127.0.0.1 when null) and starts receiving.</summary>
    public UdpCollector(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        _socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = 100 };
        TestSockets.LargeReceiveBuffer(_socket);

        _socket.Bind(new IPEndPoint(address, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
        _thread = new Thread(Receive) { IsBackground = true, Name = "udp-collector" };
        _thread.Start();
    }

    /// <summary>The bound port.</summary>
    public int Port { get; }

    /// <summary>Datagrams received so far.</summary>
    public int Count => _received.Count;

    /// <summary>The datagrams received, in order.</summary>
    public List<byte[]> Datagrams => [.. _received];

    private void Receive()
    {
        byte[] buffer = new byte[70_000];
        while (!_stop)
        {
            try
            {
                int n = _socket.Receive(buffer);
                _received.Enqueue(buffer.AsSpan(0, n).ToArray());
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop = true;
        _thread.Join(5_000);
        _socket.Dispose();
    }
}
