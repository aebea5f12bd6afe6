using Cpworker.Host.Interop;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Daemon;

/// <summary>
/// Reloads when the config file changes on disk (<c>run --watch-config</c>; docs/deploy.md,
/// "Config changes"). A Kubernetes ConfigMap volume replaces the file by swapping the
/// <c>..data</c> symlink its name points through; an editor writes it in place or renames a new
/// file over it. All of these change where the name finally leads, its size or its time: checked
/// every <see cref="Interval"/>, and only a change of the bytes triggers the reload, which takes
/// the same path (and the same no-loss rules) as SIGHUP.
/// </summary>
/// <remarks>Polls rather than inotify: a watch on the old target or directory dies with the swap.</remarks>
internal sealed class ConfigFileWatcher : IAsyncDisposable
{
    private readonly string _path;
    private readonly Action _reload;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>Where the name led, its length and time at the last check; null when it could not be read.</summary>
    private (string Target, long Length, DateTime Written)? _stamp;

    /// <summary>The content last seen (a config is small; no hash: SHA-256 would need OpenSSL in the image).</summary>
    private byte[]? _content;

    /// <summary>Starts watching <paramref name="path"/>; <paramref name="reload"/> is called (on a pool thread) after each change.</summary>
    public ConfigFileWatcher(string path, TimeSpan interval, Action reload, ILogger logger)
    {
        _path = path;
        Interval = interval;
        _reload = reload;
        _logger = logger;
        _stamp = Stamp();
        _content = Read();
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Time between two checks.</summary>
    public TimeSpan Interval { get; }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                Check();
            }
            catch (Exception ex)
            {
                // A watcher that throws would silently stop watching: log and go on.
                DaemonLog.ConfigWatchFailed(_logger, ex.Message);
            }
        }
    }

    private void Check()
    {
        var stamp = Stamp();
        if (stamp is null || stamp == _stamp)
        {
            return; // unchanged, or missing for a moment (during a swap): keep the running config
        }

        string before = _stamp?.Target ?? "(unreadable)";
        _stamp = stamp;
        byte[]? content = Read();
        if (content is null || (_content is not null && content.AsSpan().SequenceEqual(_content)))
        {
            return; // touched, or swapped to identical bytes
        }

        _content = content;
        string how = before == stamp.Value.Target ? "rewritten" : $"now {stamp.Value.Target}, was {before}";
        DaemonLog.ConfigChanged(_logger, _path, how);
        _reload();
    }

    private (string Target, long Length, DateTime Written)? Stamp()
    {
        try
        {
            if (HostLibC.RealPath(_path) is not { } target)
            {
                return null;
            }

            var info = new FileInfo(target);
            return info.Exists ? (target, info.Length, info.LastWriteTimeUtc) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private byte[]? Read()
    {
        try
        {
            return File.ReadAllBytes(_path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
