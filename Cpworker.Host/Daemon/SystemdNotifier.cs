using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>
/// systemd's notification protocol (<c>sd_notify</c>): a datagram of <c>KEY=VALUE</c> lines to the
/// Unix socket named by <c>NOTIFY_SOCKET</c> (abstract namespace when it starts with '@'). Without
/// <c>NOTIFY_SOCKET</c> every call does nothing. Failures are logged once and never thrown.
/// </summary>
internal sealed class SystemdNotifier : IDisposable
{
    private readonly Socket? _socket;
    private readonly UnixDomainSocketEndPoint? _endpoint;
    private readonly ILogger _logger;
    private bool _failureLogged;

    /// <summary>Creates the notifier for <paramref name="notifySocket"/> (the value of <c>NOTIFY_SOCKET</c>).</summary>
    public SystemdNotifier(string? notifySocket, ILogger logger)
    {
        _logger = logger;
        if (string.IsNullOrEmpty(notifySocket))
        {
            return;
        }

        // "@name" is Linux's abstract namespace: the address starts with a NUL byte.
        string address = notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket;
        try
        {
            _endpoint = new UnixDomainSocketEndPoint(address);
            _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            DaemonLog.NotifySocketUnusable(_logger, notifySocket, ex.Message);
        }
    }

    /// <summary>The notifier for this process's environment.</summary>
    public static SystemdNotifier FromEnvironment(ILogger logger) => new(Environment.GetEnvironmentVariable("NOTIFY_SOCKET"), logger);

    /// <summary>True when there is a socket to notify.</summary>
    public bool Enabled => _socket is not null;

    /// <summary>The service is up: every task has started or failed.</summary>
    public void Ready(string status) => Send($"READY=1\nSTATUS={status}\nMAINPID={Environment.ProcessId}");

    /// <summary>A reload begins (systemd ≥ 253 shows the unit as reloading until the next READY=1).</summary>
    public void Reloading()
    {
        long monotonicUsec = (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1_000_000.0 / System.Diagnostics.Stopwatch.Frequency));
        Send($"RELOADING=1\nMONOTONIC_USEC={monotonicUsec}");
    }

    /// <summary>The service is stopping.</summary>
    public void Stopping() => Send("STOPPING=1");

    /// <summary>A free-form status line (<c>systemctl status</c>).</summary>
    public void Status(string status) => Send($"STATUS={status}");

    /// <inheritdoc/>
    public void Dispose() => _socket?.Dispose();

    private void Send(string message)
    {
        if (_socket is null || _endpoint is null)
        {
            return;
        }

        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(message), SocketFlags.None, _endpoint);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            if (!_failureLogged)
            {
                _failureLogged = true;
                DaemonLog.NotifyFailed(_logger, ex.Message);
            }
        }
    }
}
