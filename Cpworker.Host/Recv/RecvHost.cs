using System.Diagnostics;
using System.Text;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Control;
using Cpworker.Host.Daemon;
using Cpworker.Host.Logging;
using Cpworker.Host.Metrics;
using Cpworker.Host.Recv.Interface;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Transport;
using Microsoft.Extensions.Logging;

namespace Cpworker.Host.Recv;

/// <summary>
/// <c>cpworker recv</c>'s life: bind the control socket if asked, open every listener and the
/// output, say where it listens, tell systemd, run until SIGTERM/SIGINT or <c>ctl shutdown</c>
/// (SIGHUP prints the counters; <c>ctl stats</c> asks for them), then stop the listeners, complete
/// the output (<c>.part</c> renamed) and print the counters as JSON on stdout.
/// </summary>
internal sealed class RecvHost : IDisposable
{
    private readonly RecvOptions _options;
    private readonly StderrLoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly TextWriter _stdout;
    private readonly TaskCompletionSource _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RecvListener> _listeners = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _printRequests;

    /// <summary>Creates the receiver; <paramref name="log"/> and <paramref name="stdout"/> default to the console.</summary>
    public RecvHost(RecvOptions options, TextWriter? log = null, TextWriter? stdout = null)
    {
        _options = options;
        _loggers = new StderrLoggerFactory(new LogLevelSwitch(options.LogLevel), log);
        _logger = _loggers.CreateLogger("recv");
        _stdout = stdout ?? Console.Out;
    }

    /// <summary>False in tests that run recv inside the test process.</summary>
    internal bool HandleSignals { get; init; } = true;

    /// <summary>Completes once every listener runs (tests wait on it).</summary>
    internal Task Ready => _ready.Task;

    /// <summary>The listeners, once open.</summary>
    internal IReadOnlyList<RecvListener> Listeners => _listeners;

    /// <inheritdoc/>
    public void Dispose() => _loggers.Dispose();

    /// <summary>Requests a stop, as SIGTERM does.</summary>
    public void RequestStop() => _stop.TrySetResult();

    /// <summary>The control server, once listening (null without a control socket).</summary>
    internal ControlServer? Control { get; private set; }

    /// <summary>Runs until stopped; returns the exit code.</summary>
    public int Run()
    {
        // Bound first, as the daemon does: a socket in use stops recv before it opens anything.
        var commands = new RecvControlCommands(_listeners, _loggers.Level, RequestStop, _logger) { ConfigPath = _options.ConfigPath ?? "" };
        ControlServer? control;
        try
        {
            control = _options.ControlSocketPath is string path ? ControlServer.Bind(path, commands, _logger) : null;
        }
        catch (ControlSocketException ex)
        {
            RecvLog.NotStarting(_logger, ex.Message);
            return ExitCodes.BadConfig;
        }

        try
        {
            return Serve(control, commands);
        }
        finally
        {
            control?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private int Serve(ControlServer? control, RecvControlCommands commands)
    {
        IFrameSink? sink = null;
        try
        {
            foreach (ListenerSpec spec in _options.Listeners)
            {
                RecvListener listener = Create(spec);
                _listeners.Add(listener);
                listener.Open();
            }

            sink = OpenSink(_options.Output);
        }
        catch (RecvException ex)
        {
            RecvLog.NotStarting(_logger, ex.Message);
            Close(sink);
            return ExitCodes.Failure;
        }

        using var notifier = SystemdNotifier.FromEnvironment(_logger);
        using ShutdownSignals? signals = HandleSignals ? new ShutdownSignals(() => Interlocked.Increment(ref _printRequests)) : null;
        using var metrics = new RecvMetrics(_listeners);
        using PrometheusEndpoint? prometheus = _options.PrometheusListen is string listen ? PrometheusEndpoint.TryStart(listen, _logger) : null;
        foreach (RecvListener l in _listeners)
        {
            RecvLog.Listening(_logger, l.Name);
            l.Start(sink);
        }

        commands.Output = Describe(_options.Output, sink);
        Control = control;
        control?.Start();
        RecvLog.Ready(_logger, VersionInfo.Version, Environment.ProcessId, _listeners.Count, commands.Output);
        notifier.Ready($"{_listeners.Count} listener(s)");
        _ready.TrySetResult();
        var stats = Stopwatch.StartNew();
        Task stop = signals is null ? _stop.Task : Task.WhenAny(_stop.Task, signals.StopRequested);
        while (!stop.Wait(1000))
        {
            lock (sink.Gate)
            {
                sink.Tick();
            }

            if (Interlocked.Exchange(ref _printRequests, 0) > 0)
            {
                PrintStats();
            }

            if (_options.StatsIntervalSeconds > 0 && stats.Elapsed.TotalSeconds >= _options.StatsIntervalSeconds)
            {
                stats.Restart();
                RecvLog.Summary(_logger, RecvStats.Summary(_listeners));
            }
        }

        notifier.Stopping();
        RecvLog.Stopping(_logger);
        if (control is not null)
        {
            // Closed before the output, so that no client reads counters the final line would contradict.
            control.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        Close(sink);
        RecvLog.Summary(_logger, RecvStats.Summary(_listeners));
        PrintStats();
        return ExitCodes.Ok;
    }

    private void Close(IFrameSink? sink)
    {
        foreach (RecvListener l in _listeners)
        {
            l.Stop();
        }

        if (sink is not null)
        {
            lock (sink.Gate)
            {
                try
                {
                    sink.Dispose();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    RecvLog.OutputNotCompleted(_logger, PathErrors.FromMessage(ex));
                }
            }
        }

        foreach (RecvListener l in _listeners)
        {
            l.Dispose();
        }
    }

    private void PrintStats()
    {
        // The bytes recv_stats answers on the control socket, without its "status".
        _stdout.Write(Encoding.UTF8.GetString(ControlJson.Serialize(RecvStats.Build(_listeners))));
        _stdout.Flush();
    }

    private RecvListener Create(ListenerSpec spec)
    {
        ILogger logger = _loggers.CreateLogger("recv");
        return spec.Kind switch
        {
            "vxlan" => DatagramListener.Vxlan(spec.Bind!, spec.Layout, spec.CaptureTime, logger),
            "gre" => DatagramListener.Gre(spec.Bind!.Address, logger),
            _ => new ZmqListener(spec.Endpoint!, spec.Connect, logger),
        };
    }

    private static IFrameSink OpenSink(RecvOutputSpec output)
    {
        try
        {
            if (output.Interface is string name)
            {
                return InterfaceSink.Open(name);
            }

            if (output.RotateRoot is string root)
            {
                return new RotatingPcapngSink(root, TimeSpan.FromSeconds(output.RotateSeconds), output.MaxFiles);
            }

            if (Directory.Exists(output.File))
            {
                throw new RecvException($"-w {output.File}: it is a directory; give the path of the pcapng file");
            }

            return new PcapngFileSink(output.File!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RecvException($"cannot open the output: {PathErrors.FromMessage(ex, creating: true)}");
        }
    }

    private static string Describe(RecvOutputSpec output, IFrameSink sink) => sink switch
    {
        InterfaceSink i => i.Created ? $"TAP device {i.Name} (created)" : $"interface {i.Name} (AF_PACKET)",
        RotatingPcapngSink => $"rotating pcapng files under {Path.GetFullPath(output.RotateRoot!)}",
        _ => $"{Path.GetFullPath(output.File!)} (.part until recv stops)",
    };
}
