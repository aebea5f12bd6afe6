using System.Net.Sockets;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Interop;

namespace Cpworker.Host.Control;

/// <summary>
/// The control socket's file: its directory created, a stale file of a dead instance replaced, a
/// live instance refused, mode 0600, removed at stop when it is still ours (docs/operations.md, "The control socket").
/// </summary>
internal static class ControlSocketFile
{
    /// <summary>Longest wait for another instance to accept a probe connection.</summary>
    private static readonly TimeSpan s_probeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Binds a listening Unix stream socket at <paramref name="path"/> with mode 0600 and returns it
    /// with the inode of its file. Throws <see cref="ControlSocketException"/> when another process
    /// answers on the path, when the path is something other than a socket, or when it cannot be bound.
    /// </summary>
    public static (Socket Listener, ulong Inode) Bind(string path, int backlog)
    {
        string? directory = Path.GetDirectoryName(path);
        try
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ControlSocketException($"control socket {path}: cannot create the directory {directory}: {PathErrors.Describe(ex, directory!, creating: true)}", ex);
        }

        RemoveStale(path);
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));

            // Bound but not yet listening: connections are refused until the mode is 0600, so no
            // other user can slip in between bind and chmod.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            listener.Listen(backlog);
            ulong inode = HostLibC.FileType(path)?.Inode ?? 0;
            return (listener, inode);
        }
        catch (Exception ex) when (ex is SocketException or IOException or UnauthorizedAccessException)
        {
            listener.Dispose();
            throw new ControlSocketException($"control socket {path}: cannot listen: {ex.Message}", ex);
        }
    }

    /// <summary>Removes the socket file at stop, unless another instance has replaced it since (different inode).</summary>
    public static void Remove(string path, ulong inode)
    {
        (int Type, ulong Inode)? now = HostLibC.FileType(path);
        if (now is null || now.Value.Type != HostLibC.FileTypeSocket || (inode != 0 && now.Value.Inode != inode))
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Nothing useful to do at exit; the next start replaces a stale file.
        }
    }

    /// <summary>
    /// Deletes a socket file nobody listens on; throws when someone does or when the path is not a socket.
    /// </summary>
    private static void RemoveStale(string path)
    {
        (int Type, ulong Inode)? existing = HostLibC.FileType(path);
        if (existing is null)
        {
            return;
        }

        if (existing.Value.Type != HostLibC.FileTypeSocket)
        {
            throw new ControlSocketException($"control socket {path}: the path exists and is not a socket; not replacing it");
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            using var cts = new CancellationTokenSource(s_probeTimeout);
            probe.ConnectAsync(new UnixDomainSocketEndPoint(path), cts.Token).AsTask().GetAwaiter().GetResult();
            string who;
            try
            {
                who = $"process {PeerCredentials.Of(probe).Pid}";
            }
            catch (SocketException)
            {
                who = "another process";
            }

            throw new ControlSocketException($"control socket {path} is in use by {who} (another cpworker?); stop it or configure another control.unix.path");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionRefused)
        {
            // Nobody listens: a leftover of an instance that died. Replace it.
        }
        catch (OperationCanceledException)
        {
            throw new ControlSocketException($"control socket {path}: a process holds it but does not accept connections; not replacing it");
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ControlSocketException($"control socket {path}: cannot remove the stale socket file: {ex.Message}", ex);
        }
    }
}
