using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Cpworker.Host.Control;

/// <summary>
/// A client of the control socket (<c>cpworker ctl</c>, tests): connects, performs the handshake,
/// sends one request per line and reads one reply line. Every failure becomes a
/// <see cref="ControlClientException"/> whose message says what went wrong in words a user can act on.
/// </summary>
internal sealed class ControlClient : IDisposable
{
    /// <summary>Longest reply accepted (a task list of a big config stays far below).</summary>
    private const int MaxReplyBytes = 16 * 1024 * 1024;

    /// <summary>Longest Unix socket path: <c>sun_path</c> holds 108 bytes including the terminating NUL.</summary>
    private const int MaxSocketPathBytes = 107;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly TimeSpan _timeout;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private ControlClient(string path, Socket socket, TimeSpan timeout)
    {
        Path = path;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _timeout = timeout;
    }

    /// <summary>The socket's path.</summary>
    public string Path { get; }

    /// <summary>Connects to <paramref name="path"/> and performs the <c>{"version":"v1"}</c> handshake.</summary>
    public static async Task<ControlClient> ConnectAsync(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes is 0 or > MaxSocketPathBytes)
        {
            throw new ControlClientException($"cannot connect to {path}: a Unix socket path has 1 to {MaxSocketPathBytes} bytes, this one {bytes}");
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw new ControlClientException(ex.SocketErrorCode switch
            {
                // .NET reports ENOENT of a Unix socket path (also a dangling symbolic link) as AddressNotAvailable.
                SocketError.AddressNotAvailable => $"cannot connect to {path}: no such socket (is cpworker running with control.unix.path set?)",
                SocketError.AddressFamilyNotSupported when !File.Exists(path) => $"cannot connect to {path}: no such socket (is cpworker running with control.unix.path set?)",
                SocketError.ConnectionRefused => $"cannot connect to {path}: connection refused (no cpworker is listening)",
                SocketError.AccessDenied => $"cannot connect to {path}: permission denied (only root and the daemon's user may connect)",
                _ when !File.Exists(path) => $"cannot connect to {path}: no such socket (is cpworker running with control.unix.path set?)",
                _ => $"cannot connect to {path}: {ex.Message}",
            });
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new ControlClientException($"cannot connect to {path}: no answer within {timeout.TotalSeconds:0.#} s");
        }

        var client = new ControlClient(path, socket, timeout);
        try
        {
            JsonObject reply = await client.RequestAsync(new JsonObject { ["version"] = ControlConnection.ProtocolVersion }, cancellationToken).ConfigureAwait(false);
            ThrowIfError(reply, "handshake");
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>{"command": command}</c> and returns the reply; throws when it is an ERROR reply.</summary>
    public async Task<JsonObject> CommandAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        (JsonObject reply, _) = await CommandRawAsync(command, arguments, cancellationToken).ConfigureAwait(false);
        ThrowIfError(reply, command);
        return reply;
    }

    /// <summary>Sends a command and returns the reply and its line as received, without judging its status.</summary>
    public async Task<(JsonObject Reply, string Line)> CommandRawAsync(string command, JsonObject? arguments = null, CancellationToken cancellationToken = default)
    {
        JsonObject request = arguments ?? new JsonObject();
        request["command"] = command;
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
        string line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        return (Parse(line), line);
    }

    /// <summary>Sends one request object and reads its reply.</summary>
    public async Task<JsonObject> RequestAsync(JsonObject request, CancellationToken cancellationToken = default)
    {
        await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return Parse(await ReadLineAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <inheritdoc/>
    public void Dispose() => _stream.Dispose();

    private static void ThrowIfError(JsonObject reply, string what)
    {
        if ((string?)reply["status"] != "OK")
        {
            string message = reply["message"]?.GetValue<string>() ?? reply.ToJsonString();
            throw new ControlClientException($"{what}: cpworker answered: {message}");
        }
    }

    private async Task SendAsync(JsonObject request, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(request.ToJsonString() + "\n");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        try
        {
            await _stream.WriteAsync(bytes, cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            throw new ControlClientException($"{Path}: the daemon closed the connection ({(ex.InnerException is SocketException inner ? inner.Message : ex.Message)})");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ControlClientException($"{Path}: sending took longer than {_timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(_timeout);
        var line = new MemoryStream();
        while (true)
        {
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                line.Write(_buffer, _start, newline - _start);
                _start = newline + 1;
                return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
            }

            line.Write(_buffer, _start, _end - _start);
            _start = _end = 0;
            if (line.Length > MaxReplyBytes)
            {
                throw new ControlClientException($"{Path}: reply longer than {MaxReplyBytes} bytes");
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                throw new ControlClientException($"{Path}: the daemon closed the connection ({(ex.InnerException is SocketException inner ? inner.Message : ex.Message)})");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ControlClientException($"{Path}: no reply within {_timeout.TotalSeconds:0.#} s");
            }

            if (read == 0)
            {
                string partial = Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
                throw new ControlClientException(partial.Length == 0
                    ? $"{Path}: the daemon closed the connection without a reply"
                    : $"{Path}: the daemon closed the connection: {partial}");
            }

            _end = read;
        }
    }

    private JsonObject Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new ControlClientException($"{Path}: the reply is not a JSON object: {line}");
        }
        catch (JsonException ex)
        {
            // The reader's own words ("LineNumber: 0 | BytePositionInLine: 0") say nothing more than this.
            throw new ControlClientException($"{Path}: malformed reply (not JSON): {(line.Length > 200 ? line[..200] + "…" : line)}", ex);
        }
    }
}
