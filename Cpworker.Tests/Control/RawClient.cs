using System.Net.Sockets;
using System.Text;

namespace Cpworker.Tests.Control;

/// <summary>
/// A bare control-socket client for protocol tests: sends exactly the bytes it is given and reads
/// reply lines with deadlines, so that framing and misbehaviour can be tested.
/// </summary>
internal sealed class RawClient : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = new();

    private RawClient(Socket socket) => _socket = socket;

    /// <summary>Connects to <paramref name="path"/> (no handshake).</summary>
    public static RawClient Connect(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(path));
        return new RawClient(socket);
    }

    /// <summary>Connects and performs the handshake.</summary>
    public static RawClient Handshaken(string path)
    {
        RawClient c = Connect(path);
        Assert.That(c.Exchange("{\"version\":\"v1\"}"), Is.EqualTo("{\"status\":\"OK\"}"));
        return c;
    }

    /// <summary>Sends text as is.</summary>
    public void Send(string text) => Send(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends bytes as is.</summary>
    public void Send(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            int n = _socket.Send(bytes);
            bytes = bytes[n..];
        }
    }

    /// <summary>Sends one line and returns the reply line (without its newline).</summary>
    public string Exchange(string line, int timeoutMs = 5000)
    {
        Send(line + "\n");
        return ReadLine(timeoutMs) ?? throw new AssertionException($"no reply to {line} (connection closed)");
    }

    /// <summary>Reads one reply line; null when the daemon closed the connection. Fails the test on timeout.</summary>
    public string? ReadLine(int timeoutMs = 5000)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        var buffer = new byte[4096];
        while (true)
        {
            int newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                string line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
                _pending.RemoveRange(0, newline + 1);
                return line;
            }

            int left = (int)(deadline - Environment.TickCount64);
            if (left <= 0)
            {
                throw new AssertionException($"no reply line within {timeoutMs} ms");
            }

            if (!_socket.Poll(Math.Min(left, 200) * 1000, SelectMode.SelectRead))
            {
                continue;
            }

            int n;
            try
            {
                n = _socket.Receive(buffer);
            }
            catch (SocketException)
            {
                return null; // reset by the daemon
            }

            if (n == 0)
            {
                return null;
            }

            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    /// <summary>True when the daemon closes the connection within <paramref name="timeoutMs"/> (after any pending replies).</summary>
    public bool ClosedWithin(int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        var buffer = new byte[4096];
        while (Environment.TickCount64 < deadline)
        {
            if (!_socket.Poll(50_000, SelectMode.SelectRead))
            {
                continue;
            }

            try
            {
                if (_socket.Receive(buffer) == 0)
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public void Dispose() => _socket.Dispose();
}
