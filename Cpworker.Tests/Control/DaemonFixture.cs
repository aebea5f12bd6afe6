using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Daemon;
using Cpworker.Outputs;
using Cpworker.Tests.Engine;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// The real <see cref="DaemonHost"/> in this process, on a config file in a temporary directory.
/// Its tasks' capturers become live <see cref="FakeSource"/>s and its outputs recording outputs
/// (one sink per task identity), so that tests see exactly what each task forwarded, while the
/// file, its reload identity and the control socket are the daemon's own.
/// </summary>
internal sealed class DaemonFixture : IAsyncDisposable
{
    private readonly Dictionary<string, RecordingSink> _sinks = new();
    private readonly Dictionary<string, int> _starts = new();

    private DaemonFixture(string directory, int frames)
    {
        Directory = directory;
        Frames = SchedulerHarness.Frames(frames, runtEvery: int.MaxValue);
    }

    /// <summary>The temporary directory.</summary>
    public string Directory { get; }

    /// <summary>The config file.</summary>
    public string ConfigPath => Path.Combine(Directory, "cpworker.json");

    /// <summary>The control socket.</summary>
    public string SocketPath => Path.Combine(Directory, "run", "ctl.sock");

    /// <summary>Frames every task's source streams once.</summary>
    public List<(byte[] Frame, long TimestampNanos)> Frames { get; }

    /// <summary>The daemon.</summary>
    public DaemonHost Host { get; private set; } = null!;

    /// <summary>The daemon's run (its exit code).</summary>
    public Task<int> Run { get; private set; } = null!;

    /// <summary>Everything the daemon logged.</summary>
    public LogCapture Log { get; } = new();

    /// <summary>A config with one task per name (libpcap on lo, one null output with <paramref name="slice"/>), the control socket in the fixture's directory.</summary>
    public static string Config(string directory, string logLevel = "INFO", params (string Name, int Slice)[] tasks)
    {
        string list = string.Join(",\n", tasks.Select(t =>
            $"{{\"name\":\"{t.Name}\",\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"lo\"}}}},\"outputs\":[{{\"type\":\"null\",\"slice\":{t.Slice}}}]}}"));
        return $"{{\"log_level\":\"{logLevel}\",\"control\":{{\"type\":\"unix\",\"unix\":{{\"path\":\"{Path.Combine(directory, "run", "ctl.sock")}\"}}}},\n\"tasks\":[{list}]}}";
    }

    /// <summary>Writes the config and starts the daemon; returns once it runs and listens.</summary>
    public static async Task<DaemonFixture> StartAsync(Func<string, string> config, int frames = 400)
    {
        var f = new DaemonFixture(ControlFixture.NewDirectory(), frames);
        File.WriteAllText(f.ConfigPath, config(f.Directory));
        f.Host = new DaemonHost(f.ConfigPath, exitAtEof: false, f.Log)
        {
            Registry = StandardOutputs.CreateRegistry().Add(new RecordingOutputType()),
            AdaptConfig = f.Adapt,
            HandleSignals = false,
        };
        f.Run = Task.Run(f.Host.RunAsync);
        Task first = await Task.WhenAny(f.Host.Started, f.Run, Task.Delay(20_000));
        if (first != f.Host.Started || !f.Host.Started.IsCompletedSuccessfully)
        {
            throw new AssertionException("the daemon did not start:\n" + f.Log.Text);
        }

        return f;
    }

    /// <summary>The sink of the task whose identity contains <paramref name="name"/> and <paramref name="marker"/> (the newest such).</summary>
    public RecordingSink Sink(string name, string marker = "")
    {
        lock (_sinks)
        {
            return _sinks.Last(p => p.Key.Contains($"\"name\":\"{name}\"", StringComparison.Ordinal) && p.Key.Contains(marker, StringComparison.Ordinal)).Value;
        }
    }

    /// <summary>How many times a source was created for tasks named <paramref name="name"/>.</summary>
    public int Starts(string name)
    {
        lock (_sinks)
        {
            return _starts.GetValueOrDefault(name);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Host.RequestStop("test over");
        await Task.WhenAny(Run, Task.Delay(10_000));
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // harmless leftover
        }
    }

    private CpworkerConfig Adapt(CpworkerConfig config) => config with
    {
        Tasks = config.Tasks.Select(t =>
        {
            RecordingSink sink;
            lock (_sinks)
            {
                if (!_sinks.TryGetValue(t.Identity, out sink!))
                {
                    _sinks[t.Identity] = sink = new RecordingSink();
                }
            }

            string name = t.Name;
            return t with
            {
                Capturer = new CustomCaptureConfig(() =>
                {
                    lock (_sinks)
                    {
                        _starts[name] = _starts.GetValueOrDefault(name) + 1;
                    }

                    return new FakeSource(Frames, lossless: false) { MaxPerFill = 20, PaceMs = 1 };
                }),
                Outputs = t.Outputs.Select(o => o with { Type = RecordingOutputType.TypeName, Settings = new RecordingSettings(sink) { PipelineBuffers = 64 } }).ToArray(),
            };
        }).ToArray(),
    };
}
