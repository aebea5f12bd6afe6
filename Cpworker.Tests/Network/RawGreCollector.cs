using Cpworker.Tests.Support;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Cpworker.Outputs.Common;

namespace Cpworker.Tests.Network;

/// <summary>
/// A raw IPv4 protocol-47 socket drained by its own thread: keeps the GRE datagrams (IP header
/// removed) whose key carries <c>tag</c> in its low 28 bits, so other tests' GRE is ignored.
/// </summary>
internal sealed class RawGreCollector : IDisposable
{
    private readonly Socket _socket;
    private readonly Thread _thread;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly uint _tag;
    private volatile bool _stop;

    /// <summary>Opens the socket and starts receiving.</summary>
    public RawGreCollector(uint tag)
    {
        _tag = tag & 0x0FFFFFFF;
        _socket = new Socket(new SafeSocketHandle(SocketInterop.Socket(SocketInterop.AfInet, SocketInterop.SockRaw, 47), true)) { ReceiveTimeout = 100 };
        TestSockets.LargeReceiveBuffer(_socket);
        _thread = new Thread(Receive) { IsBackground = true, Name = "gre-collector" };
        _thread.Start();
    }

    /// <summary>Matching datagrams received so far.</summary>
    public int Count => _received.Count;

    /// <summary>The matching GRE datagrams, in order.</summary>
    public List<byte[]> Datagrams => [.. _received];

    private void Receive()
    {
        byte[] buffer = new byte[70_000];
        while (!_stop)
        {
            try
            {
                int n = _socket.Receive(buffer);
                int ihl = (buffer[0] & 0x0F) * 4;
                uint key = (uint)((buffer[ihl + 4] << 24) | (buffer[ihl + 5] << 16) | (buffer[ihl + 6] << 8) | buffer[ihl + 7]);
                if ((key & 0x0FFFFFFF) == _tag)
                {
                    _received.Enqueue(buffer.AsSpan(ihl, n - ihl).ToArray());
                }
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
