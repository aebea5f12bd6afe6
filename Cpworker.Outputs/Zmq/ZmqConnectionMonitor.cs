using System.Buffers.Binary;
using System.Runtime.InteropServices;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// Tells whether a NetMQ socket has a live connection, from its monitor events. NetMQ drops the
/// messages still queued when a socket is closed before its connection is up, whatever the linger:
/// <see cref="ZmqTransport.Close"/> waits for the connection first.
/// </summary>
/// <remarks>Used on the transport's thread only, like the socket it watches.</remarks>
internal sealed class ZmqConnectionMonitor : IDisposable
{
    /// <summary>Monitor event flag: the argument is a GC handle (8 bytes) that the reader must free.</summary>
    private const int ValueChannel = 2;

    private static int s_next;
    private readonly PairSocket _events;

    /// <summary>Starts watching <paramref name="socket"/>; call before it connects.</summary>
    public ZmqConnectionMonitor(NetMQSocket socket)
    {
        string endpoint = $"inproc://cpworker-zmq-monitor-{Environment.ProcessId}-{Interlocked.Increment(ref s_next)}";
        socket.Monitor(endpoint, SocketEvents.Connected | SocketEvents.Disconnected);
        _events = new PairSocket();
        _events.Connect(endpoint);
    }

    /// <summary>True while the socket has a connection, as of the last <see cref="Poll"/>.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Reads the events that arrived, without waiting; returns <see cref="IsConnected"/>.</summary>
    public bool Poll() => Read(TimeSpan.Zero);

    /// <summary>Waits up to <paramref name="timeout"/> for a connection; true when there is one.</summary>
    public bool WaitConnected(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!Poll())
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0 || Read(TimeSpan.FromMilliseconds(left)))
            {
                break;
            }
        }

        return IsConnected;
    }

    /// <inheritdoc/>
    public void Dispose() => _events.Dispose();

    private bool Read(TimeSpan wait)
    {
        while (_events.TryReceiveFrameBytes(wait, out byte[]? e))
        {
            wait = TimeSpan.Zero;
            if (e.Length < 5)
            {
                continue;
            }

            var kind = (SocketEvents)BinaryPrimitives.ReadInt32LittleEndian(e);
            IsConnected = kind == SocketEvents.Connected || (IsConnected && kind != SocketEvents.Disconnected);
            int flagAt = 5 + e[4];
            if (flagAt + 9 <= e.Length && e[flagAt] == ValueChannel)
            {
                // NetMQ passes the connection's socket as a weak GC handle; free it or it leaks.
                var handle = GCHandle.FromIntPtr((nint)BinaryPrimitives.ReadInt64LittleEndian(e.AsSpan(flagAt + 1)));
                if (handle.IsAllocated)
                {
                    handle.Free();
                }
            }
        }

        return IsConnected;
    }
}
