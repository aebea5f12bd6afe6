using System.Diagnostics.Metrics;
using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// Publishes the engine's counters through <see cref="System.Diagnostics.Metrics"/> (meter
/// <c>Cpworker</c>) for <c>dotnet-counters</c> and OpenTelemetry. Every instrument is observable:
/// its callback reads <see cref="CpworkerEngine.GetStatus"/> when a listener collects, so the packet
/// path pays nothing.
/// </summary>
/// <remarks>
/// Per-task series carry a <c>task</c> tag, per-output series <c>task</c> and <c>output</c>
/// (<c>&lt;type&gt;-&lt;index&gt;</c>), and output packet and byte counts an <c>outcome</c> tag
/// (<c>forwarded</c>, <c>direction_drop</c>, <c>ratelimit_drop</c>, <c>error_drop</c>). A task
/// rebuilt by a reload starts its series again from zero, which collectors treat as a counter reset.
/// </remarks>
public sealed class CpworkerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Cpworker";

    private readonly CpworkerEngine _engine;
    private readonly Meter _meter;

    /// <summary>Creates the meter and its instruments for <paramref name="engine"/>.</summary>
    public CpworkerMetrics(CpworkerEngine engine, string? version = null)
    {
        _engine = engine;
        _meter = new Meter(MeterName, version);
        _meter.CreateObservableCounter("cpworker.capture.packets", () => PerTask(s => s.Capture.Packets), "{packet}", "Packets captured");
        _meter.CreateObservableCounter("cpworker.capture.bytes", () => PerTask(s => s.Capture.Bytes), "By", "Bytes captured (caplen)");
        _meter.CreateObservableCounter("cpworker.capture.kernel_drops", () => PerTask(s => s.Capture.KernelDrops), "{packet}", "Packets the kernel dropped (capture buffer full)");
        _meter.CreateObservableCounter("cpworker.capture.interface_drops", () => PerTask(s => s.Capture.InterfaceDrops), "{packet}", "Packets the interface dropped");
        _meter.CreateObservableCounter("cpworker.output.packets", () => PerOutcome(bytes: false), "{packet}", "Packets handed to an output, by outcome");
        _meter.CreateObservableCounter("cpworker.output.bytes", () => PerOutcome(bytes: true), "By", "Bytes (sliced caplen) handed to an output, by outcome");
        _meter.CreateObservableCounter("cpworker.output.heartbeats", () => PerOutput(c => c.HeartbeatPackets), "{packet}", "Heartbeat records sent");
        _meter.CreateObservableCounter("cpworker.output.socket_datagrams", () => PerOutput(c => c.SocketDatagrams), "{datagram}", "GRE/VXLAN datagrams sent through the socket path");
        _meter.CreateObservableCounter("cpworker.output.ring_datagrams", () => PerOutput(c => c.RingDatagrams), "{datagram}", "GRE/VXLAN datagrams sent through the AF_PACKET TX ring");
        _meter.CreateObservableGauge("cpworker.task.running", () => PerTask(s => s.State == TaskState.Running ? 1 : 0), "{task}", "1 while the task runs, 0 while it starts, failed or stopped");
        _meter.CreateObservableGauge("cpworker.pipeline.memory.used", () => PerTask(s => s.Buffer.MemUsed), "By", "Pipeline batch memory in use");
        _meter.CreateObservableGauge("cpworker.pipeline.memory.total", () => PerTask(s => s.Buffer.MemTotal), "By", "Pipeline batch memory owned");
        _meter.CreateObservableGauge("cpworker.pipeline.ring.used", () => PerTask(s => s.Buffer.RingUsed), "{batch}", "Batches waiting between capture and encapsulation");
    }

    /// <summary>The meter (tests listen to this instance only).</summary>
    internal Meter Meter => _meter;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> PerTask(Func<TaskStatus, long> value)
    {
        IReadOnlyList<TaskStatus> status = _engine.GetStatus();
        var list = new Measurement<long>[status.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new Measurement<long>(value(status[i]), new KeyValuePair<string, object?>("task", status[i].Name));
        }

        return list;
    }

    private IEnumerable<Measurement<long>> PerOutput(Func<OutputCounterSnapshot, long> value)
    {
        var list = new List<Measurement<long>>();
        foreach (TaskStatus s in _engine.GetStatus())
        {
            foreach (OutputStatus o in s.Outputs)
            {
                list.Add(new Measurement<long>(value(o.Counters), new("task", s.Name), new("output", o.Name)));
            }
        }

        return list;
    }

    private IEnumerable<Measurement<long>> PerOutcome(bool bytes)
    {
        var list = new List<Measurement<long>>();
        foreach (TaskStatus s in _engine.GetStatus())
        {
            foreach (OutputStatus o in s.Outputs)
            {
                OutputCounterSnapshot c = o.Counters;
                list.Add(Outcome(s, o, "forwarded", bytes ? c.ForwardedBytes : c.ForwardedPackets));
                list.Add(Outcome(s, o, "direction_drop", bytes ? c.DirectionDropBytes : c.DirectionDropPackets));
                list.Add(Outcome(s, o, "ratelimit_drop", bytes ? c.RateLimitDropBytes : c.RateLimitDropPackets));
                list.Add(Outcome(s, o, "error_drop", bytes ? c.ErrorDropBytes : c.ErrorDropPackets));
            }
        }

        return list;
    }

    private static Measurement<long> Outcome(TaskStatus s, OutputStatus o, string outcome, long value) =>
        new(value, new("task", s.Name), new("output", o.Name), new("outcome", outcome));
}
