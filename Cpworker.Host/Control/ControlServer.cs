using System.Net.Sockets;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Control;

/// <summary>
/// The control socket (docs/operations.md, "The control socket"): a Unix stream socket speaking the C implementation's
/// line-delimited JSON protocol. Each client is served on its own async task; nothing here runs
/// on, waits for or locks against a packet thread.
/// </summary>
/// <remarks>
/// Limits: a request line is at most <see cref="MaxLineBytes"/>; a client silent for
/// <see cref="IdleTimeout"/> is disconnected; at most <see cref="MaxClients"/> clients are served
/// at once (more are told so and closed); only root and the daemon's own user may connect
/// (<c>SO_PEERCRED</c>, checked before anything is read).
/// </remarks>
internal sealed class ControlServer : IAsyncDisposable
{
    /// <summary>Longest request line (without its newline).</summary>
    public const int MaxLineBytes = 64 * 1024;

    /// <summary>Most clients served at once.</summary>
    public const int MaxClients = 64;

    private readonly Socket _listener;
    private readonly ulong _inode;
    private readonly ILogger _logger;
    private readonly IControlHandler _commands;
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<Task> _connections = new();
    private readonly LogThrottle _refusalLog = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private Task? _acceptLoop;
    private int _stopped;

    private ControlServer(string path, Socket listener, ulong inode, IControlHandler commands, ILogger logger)
    {
        Path = path;
        _listener = listener;
        _inode = inode;
        _logger = logger;
        _commands = commands;
    }

    /// <summary>Absolute path of the socket.</summary>
    public string Path { get; }

    /// <summary>A client silent this long is disconnected.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Clients connected now.</summary>
    public int ClientCount
    {
        get
        {
            lock (_connections)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>
    /// Binds the socket (see <see cref="ControlSocketFile.Bind"/>); connections queue until
    /// <see cref="Start"/>. Throws <see cref="ControlSocketException"/>.
    /// </summary>
    public static ControlServer Bind(string path, ControlTarget target, ILogger logger, TimeSpan? idleTimeout = null) =>
        Bind(path, new ControlCommands(target, logger), logger, idleTimeout);

    /// <summary>Binds the socket for another set of commands (<c>cpworker recv</c>'s); the same file rules, peer check and limits.</summary>
    public static ControlServer Bind(string path, IControlHandler commands, ILogger logger, TimeSpan? idleTimeout = null)
    {
        string full = System.IO.Path.GetFullPath(path);
        (Socket listener, ulong inode) = ControlSocketFile.Bind(full, MaxClients);
        return new ControlServer(full, listener, inode, commands, logger) { IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(10) };
    }

    /// <summary>Starts accepting clients.</summary>
    public void Start()
    {
        _acceptLoop = Task.Run(AcceptLoopAsync);
        ControlLog.Listening(_logger, Path);
    }

    /// <summary>Stops accepting, closes every client, removes the socket file (if it is still ours).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        ControlSocketFile.Remove(Path, _inode);
        Task[] open;
        lock (_connections)
        {
            open = _connections.ToArray();
        }

        Task all = Task.WhenAll(open.Append(_acceptLoop ?? Task.CompletedTask));
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(1))).ConfigureAwait(false);
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                // EMFILE and friends: log, breathe, go on; the daemon must not lose its control socket.
                ControlLog.AcceptFailed(_logger, ex.Message);
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            Admit(client, stopping);
        }
    }

    private void Admit(Socket client, CancellationToken stopping)
    {
        PeerCredentials peer;
        try
        {
            peer = PeerCredentials.Of(client);
        }
        catch (SocketException ex)
        {
            ControlLog.CredentialsUnreadable(_logger, ex.Message);
            client.Dispose();
            return;
        }

        var connection = new ControlConnection(client, peer, _commands, _logger, IdleTimeout);
        Task run;
        lock (_connections)
        {
            if (!peer.IsAllowed())
            {
                // Logged before the refusal is sent, so the log already says why when the client sees it.
                if (_refusalLog.ShouldLog())
                {
                    ControlLog.PeerRefused(_logger, peer.Pid, peer.Uid, PeerCredentials.OwnUid);
                }

                run = Refuse(connection, $"permission denied: uid {peer.Uid} may not use this control socket (only root and uid {PeerCredentials.OwnUid})");
            }
            else if (_connections.Count >= MaxClients)
            {
                run = Refuse(connection, $"too many clients (at most {MaxClients})");
            }
            else
            {
                // Off the accept loop and outside this lock: a client whose requests are already
                // buffered would otherwise be served right here, synchronously, under the lock.
                run = Task.Run(() => connection.RunAsync(stopping), CancellationToken.None);
            }

            _connections.Add(run);
        }

        _ = run.ContinueWith(
            t =>
            {
                lock (_connections)
                {
                    _connections.Remove(t);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static Task Refuse(ControlConnection connection, string message) => connection.RefuseAsync(message);
}
