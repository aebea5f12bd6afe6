using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Control;
using Cpworker.Host.Logging;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Control;

/// <summary>
/// An engine running fake tasks with a control server on a socket in a fresh temporary
/// directory; reload and shutdown requests are counted instead of acted on.
/// </summary>
internal sealed class ControlFixture : IAsyncDisposable
{
    private int _reloads;
    private int _shutdowns;

    private ControlFixture(string directory, CpworkerEngine engine, ControlServer server, ListLogger log, LogLevelSwitch level)
    {
        Directory = directory;
        Engine = engine;
        Server = server;
        Log = log;
        Level = level;
    }

    /// <summary>The temporary directory (removed on dispose).</summary>
    public string Directory { get; }

    /// <summary>The socket path.</summary>
    public string SocketPath => Server.Path;

    /// <summary>The engine.</summary>
    public CpworkerEngine Engine { get; }

    /// <summary>The control server.</summary>
    public ControlServer Server { get; }

    /// <summary>What the engine and the server logged.</summary>
    public ListLogger Log { get; }

    /// <summary>The log level switch the server changes.</summary>
    public LogLevelSwitch Level { get; }

    /// <summary>How many <c>reload_config</c> requests arrived.</summary>
    public int Reloads => Volatile.Read(ref _reloads);

    /// <summary>How many <c>shutdown</c> requests arrived.</summary>
    public int Shutdowns => Volatile.Read(ref _shutdowns);

    /// <summary>A fresh short temporary directory (Unix socket paths are limited to 107 bytes).</summary>
    public static string NewDirectory()
    {
        string dir = Path.Combine("/tmp", "cpwc-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Starts <paramref name="config"/> (recording outputs registered) and a control server.</summary>
    public static ControlFixture Start(CpworkerConfig config, TimeSpan? idleTimeout = null)
    {
        string dir = NewDirectory();
        var log = new ListLogger();
        var engine = new CpworkerEngine(config, new OutputTypeRegistry().Add(new RecordingOutputType()), log.Factory);
        var level = new LogLevelSwitch(LogLevel.Information);
        ControlFixture? fixture = null;
        var target = new ControlTarget
        {
            Engine = engine,
            ConfigPath = Path.Combine(dir, "cpworker.json"),
            LogLevel = level,
            RequestReload = () => Interlocked.Increment(ref fixture!._reloads),
            RequestShutdown = () => Interlocked.Increment(ref fixture!._shutdowns),
        };
        ControlServer server = ControlServer.Bind(Path.Combine(dir, "run", "ctl.sock"), target, log, idleTimeout);
        fixture = new ControlFixture(dir, engine, server, log, level);
        engine.Start();
        server.Start();
        return fixture;
    }

    /// <summary>A task streaming <paramref name="source"/> into a recording output (with room enough that a pipeline run is not congested by the test's polling).</summary>
    public static TaskConfig Task(string name, Func<FakeSource> source, RecordingSink sink, bool replay = false, string? identity = null, int slice = 0) => new()
    {
        Name = name,
        Identity = identity ?? name,
        Capturer = new CustomCaptureConfig(source) { IsReplay = replay },
        Outputs = [new OutputConfig { Index = 0, Type = RecordingOutputType.TypeName, Slice = slice, Settings = new RecordingSettings(sink) { PipelineBuffers = 64 } }],
    };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Engine.StopAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover in /tmp is harmless.
        }
    }
}
