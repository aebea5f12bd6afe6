using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>Logs a one-line summary per task every 60 s: packets/s, Mbit/s, drops (docs/operations.md, "The log").</summary>
internal sealed class SummaryReporter : IDisposable
{
    /// <summary>Interval between summaries.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);

    private readonly CpworkerEngine _engine;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, TaskSnapshot> _previous = new();
    private ITimer? _timer;
    private long _previousTimestamp;

    /// <summary>Creates the reporter; it starts with <see cref="Start"/>.</summary>
    public SummaryReporter(CpworkerEngine engine, ILogger logger, TimeProvider time)
    {
        _engine = engine;
        _logger = logger;
        _time = time;
    }

    /// <summary>Starts the periodic summary.</summary>
    public void Start()
    {
        _previousTimestamp = _time.GetTimestamp();
        foreach (TaskSnapshot s in _engine.GetStatus())
        {
            _previous[s.Name] = s;
        }

        _timer = _time.CreateTimer(_ => Report(), null, Interval, Interval);
    }

    /// <summary>Logs the summary now.</summary>
    public void Report()
    {
        long now = _time.GetTimestamp();
        double seconds = Math.Max(1e-3, _time.GetElapsedTime(_previousTimestamp, now).TotalSeconds);
        _previousTimestamp = now;
        bool log = _logger.IsEnabled(LogLevel.Information);
        lock (_previous)
        {
            foreach (TaskSnapshot s in _engine.GetStatus())
            {
                _previous.TryGetValue(s.Name, out TaskSnapshot? before);
                if (log)
                {
                    string line = Format(s, before, seconds);
                    RuntimeLog.Summary(_logger, line);
                }

                _previous[s.Name] = s;
            }
        }
    }

    /// <summary>One summary line for a task, from the counters at two moments.</summary>
    internal static string Format(TaskSnapshot now, TaskSnapshot? before, double seconds)
    {
        long packets = now.Capture.Packets - (before?.Capture.Packets ?? 0);
        long bytes = now.Capture.Bytes - (before?.Capture.Bytes ?? 0);
        long kernelDrops = now.Capture.KernelDrops - (before?.Capture.KernelDrops ?? 0);
        OutputCounterSnapshot total = default, previous = default;
        foreach (OutputStatus o in now.Outputs)
        {
            total += o.Counters;
        }

        if (before is not null)
        {
            foreach (OutputStatus o in before.Outputs)
            {
                previous += o.Counters;
            }
        }

        return $"{now.Name}: {now.State.ToString().ToLowerInvariant()}, {packets / seconds:F0} pkt/s, {bytes * 8 / seconds / 1e6:F2} Mbit/s captured; " +
               $"kernel drops {kernelDrops}; forwarded {total.ForwardedPackets - previous.ForwardedPackets}, " +
               $"dropped: direction {total.DirectionDropPackets - previous.DirectionDropPackets}, " +
               $"rate limit {total.RateLimitDropPackets - previous.RateLimitDropPackets}, " +
               $"error {total.ErrorDropPackets - previous.ErrorDropPackets}" +
               (now.Error is null ? "" : $"; {now.Error}");
    }

    /// <inheritdoc/>
    public void Dispose() => _timer?.Dispose();
}
