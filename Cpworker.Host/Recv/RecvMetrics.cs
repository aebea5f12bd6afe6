using System.Diagnostics.Metrics;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Recv.Senders;
using Cpworker.Host.Recv.Transport;

namespace Cpworker.Host.Recv;

/// <summary>
/// recv's counters on the <c>Cpworker</c> meter (as <see cref="CpworkerMetrics"/> publishes the
/// daemon's): <c>cpworker.recv.packets</c>, <c>.bytes</c>, <c>.heartbeats</c> per
/// <c>listener</c>/<c>sender</c>/<c>tag</c>, <c>cpworker.recv.malformed</c> per <c>listener</c>.
/// Observable: read only when a listener collects.
/// </summary>
internal sealed class RecvMetrics : IDisposable
{
    private readonly IReadOnlyList<RecvListener> _listeners;
    private readonly Meter _meter;

    /// <summary>Creates the instruments.</summary>
    public RecvMetrics(IReadOnlyList<RecvListener> listeners)
    {
        _listeners = listeners;
        _meter = new Meter(CpworkerMetrics.MeterName, VersionInfo.Version);
        _meter.CreateObservableCounter("cpworker.recv.packets", () => PerSender(e => Volatile.Read(ref e.Packets)), "{packet}", "Frames decoded, per sender and tag");
        _meter.CreateObservableCounter("cpworker.recv.bytes", () => PerSender(e => Volatile.Read(ref e.Bytes)), "By", "Bytes of decoded frames, per sender and tag");
        _meter.CreateObservableCounter("cpworker.recv.heartbeats", () => PerSender(e => Volatile.Read(ref e.Heartbeats)), "{record}", "ZMQ heartbeat records, per sender and tag");
        _meter.CreateObservableCounter("cpworker.recv.malformed", PerListener, "{datagram}", "Datagrams, batches or records skipped as malformed");
    }

    /// <summary>The meter (tests listen to this instance).</summary>
    internal Meter Meter => _meter;

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<long>> PerSender(Func<SenderEntry, long> value)
    {
        var list = new List<Measurement<long>>();
        foreach (RecvListener l in _listeners)
        {
            foreach (SenderEntry e in l.Senders.Snapshot())
            {
                list.Add(new Measurement<long>(value(e), new("listener", l.Name), new("sender", e.Sender), new("tag", e.TagText)));
            }
        }

        return list;
    }

    private IEnumerable<Measurement<long>> PerListener() =>
        _listeners.Select(l => new Measurement<long>(l.MalformedTotal(), new KeyValuePair<string, object?>("listener", l.Name))).ToList();
}
