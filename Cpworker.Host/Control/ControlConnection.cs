using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Control;

/// <summary>
/// One control client: the <c>{"version":"v1"}</c> handshake, then one JSON request per line, each
/// answered by one line. Runs on its own async task; reads through a <see cref="PipeReader"/> so
/// that a request split over many writes, or many requests in one write, frame correctly.
/// </summary>
/// <remarks>
/// Protocol errors: a request before the handshake, an unsupported version or a malformed
/// handshake get an ERROR reply and the connection is closed (there is no way to know what the
/// client speaks). After the handshake a malformed request gets an ERROR reply and the connection
/// stays open; a line over <see cref="ControlServer.MaxLineBytes"/> gets an ERROR reply and the
/// connection is closed (the rest of the line cannot be told from the next request); silence for
/// the idle timeout closes it.
/// </remarks>
internal sealed class ControlConnection
{
    /// <summary>The protocol version the C implementation speaks.</summary>
    public const string ProtocolVersion = "v1";

    private readonly Socket _socket;
    private readonly PeerCredentials _peer;
    private readonly IControlHandler _commands;
    private readonly ILogger _logger;
    private readonly TimeSpan _idleTimeout;

    /// <summary>Creates the connection; it runs with <see cref="RunAsync"/>.</summary>
    public ControlConnection(Socket socket, PeerCredentials peer, IControlHandler commands, ILogger logger, TimeSpan idleTimeout)
    {
        _socket = socket;
        _peer = peer;
        _commands = commands;
        _logger = logger;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Serves the client until it closes, misbehaves, goes silent, or the server stops. Never throws.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        await using var stream = new NetworkStream(_socket, ownsSocket: true);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true));
        bool handshaken = false;
        try
        {
            while (true)
            {
                ReadResult result;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(stopping))
                {
                    idle.CancelAfter(_idleTimeout);
                    try
                    {
                        result = await reader.ReadAsync(idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                    {
                        ControlLog.IdleDisconnect(_logger, _peer.Pid, (int)_idleTimeout.TotalSeconds);
                        return;
                    }
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                while (TryTakeLine(ref buffer, out ReadOnlySequence<byte> line))
                {
                    if (line.Length > ControlServer.MaxLineBytes)
                    {
                        await SendAsync(stream, ControlJson.Error($"request longer than {ControlServer.MaxLineBytes} bytes"), stopping).ConfigureAwait(false);
                        await CloseAfterErrorAsync(stopping).ConfigureAwait(false);
                        return;
                    }

                    (JsonObject reply, Action? after, bool close, Func<Task<JsonObject>>? later) = Answer(line, ref handshaken);
                    if (later is not null)
                    {
                        // Answered once the work is done (a reload with "wait": true); the next request waits for it.
                        reply = await later().ConfigureAwait(false);
                    }

                    if (reply.Count > 0)
                    {
                        await SendAsync(stream, reply, stopping).ConfigureAwait(false);
                    }

                    after?.Invoke();
                    if (close)
                    {
                        await CloseAfterErrorAsync(stopping).ConfigureAwait(false);
                        return;
                    }
                }

                if (buffer.Length > ControlServer.MaxLineBytes)
                {
                    // No newline within the limit: never buffer more.
                    await SendAsync(stream, ControlJson.Error($"request longer than {ControlServer.MaxLineBytes} bytes"), stopping).ConfigureAwait(false);
                    await CloseAfterErrorAsync(stopping).ConfigureAwait(false);
                    return;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the server is stopping: nothing to tell anyone.
        }
        catch (Exception ex)
        {
            ControlLog.ClientFailed(_logger, _peer.Pid, ex.Message);
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Tells the client why it is not served and closes the connection. Never throws.</summary>
    public async Task RefuseAsync(string message)
    {
        try
        {
            await using var stream = new NetworkStream(_socket, ownsSocket: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await stream.WriteAsync(ControlJson.Serialize(ControlJson.Error(message)), timeout.Token).ConfigureAwait(false);
            await CloseGracefullyAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // A refused client that does not read is not our problem.
        }
    }

    /// <summary>The reply to one line: the reply (empty for a blank line), what to run after sending it, whether to close, and the work whose result replaces the reply.</summary>
    internal (JsonObject Reply, Action? After, bool Close, Func<Task<JsonObject>>? Later) Answer(ReadOnlySequence<byte> line, ref bool handshaken)
    {
        if (IsBlank(line))
        {
            return (new JsonObject(), null, false, null);
        }

        // The JSON reader checks UTF-8 only when a string is read: a stray byte inside a string would
        // surface later, from GetString, as an exception that drops the connection (found by fuzzing).
        if (!System.Text.Unicode.Utf8.IsValid(line.IsSingleSegment ? line.FirstSpan : line.ToArray()))
        {
            return (ControlJson.Error("malformed JSON: the request is not valid UTF-8"), null, !handshaken, null);
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
            if (reader.Read())
            {
                document.Dispose();
                throw new JsonException("more than one JSON value on the line");
            }
        }
        catch (JsonException ex)
        {
            return (ControlJson.Error($"malformed JSON: {ex.Message}"), null, !handshaken, null);
        }

        using (document)
        {
            JsonElement request = document.RootElement;
            if (handshaken)
            {
                if (_commands.Deferred(request) is { } later)
                {
                    return (new JsonObject(), null, false, later);
                }

                (JsonObject reply, Action? after) = _commands.Handle(request);
                return (reply, after, false, null);
            }

            if (request.ValueKind != JsonValueKind.Object || !request.TryGetProperty("version", out JsonElement version))
            {
                return (ControlJson.Error($"handshake required: send {{\"version\":\"{ProtocolVersion}\"}} first"), null, true, null);
            }

            if (version.ValueKind != JsonValueKind.String || version.GetString() != ProtocolVersion)
            {
                return (ControlJson.Error($"unsupported protocol version {version.GetRawText()}: this cpworker speaks \"{ProtocolVersion}\""), null, true, null);
            }

            handshaken = true;
            return (ControlJson.Ok(), null, false, null);
        }
    }

    private async Task CloseAfterErrorAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        await CloseGracefullyAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends our side and discards what the client still sends (bounded in bytes and time): closing
    /// a Unix socket with unread data resets the connection, and the client would lose the error
    /// reply it has not read yet.
    /// </summary>
    private async Task CloseGracefullyAsync(CancellationToken cancellationToken)
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            byte[] sink = new byte[4096];
            for (int total = 0; total < 1024 * 1024;)
            {
                int n = await _socket.ReceiveAsync(sink, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                total += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or too slow to notice: close anyway.
        }
    }

    private async Task SendAsync(NetworkStream stream, JsonObject reply, CancellationToken stopping)
    {
        byte[] bytes = ControlJson.Serialize(reply);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_idleTimeout); // a client that does not read its replies is dropped, not waited for
        await stream.WriteAsync(bytes, timeout.Token).ConfigureAwait(false);
    }

    internal static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        SequencePosition? newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
