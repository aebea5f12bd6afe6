using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Zmq;

/// <summary>The <c>zmq</c> output type.</summary>
internal sealed class ZmqOutputType : OutputType
{
    /// <summary>Batches in flight under the pipeline model: each holds up to a second of traffic or 1 MiB.</summary>
    public const int PipelineBuffers = 4;

    /// <inheritdoc/>
    public override string Name => "zmq";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        ZmqSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((ZmqSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var s = (ZmqSettings)settings;
        IPAddress address = HostResolver.Resolve(s.Host);
        bool ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        string endpoint = ipv6 ? $"tcp://[{address}]:{s.Port}" : $"tcp://{address}:{s.Port}";
        byte[] uuid = new byte[16];
        for (int i = 0; i < uuid.Length && i < s.Uuid.Count; i++)
        {
            uuid[i] = s.Uuid[i];
        }

        NetMqBufferPool.EnsureConfigured();
        return new OutputParts(
            new ZmqEncoder(s.ServiceTag, uuid, s.HeartbeatMs, context.Time, context.Counters.Packet),
            new ZmqTransport(endpoint, s.Hwm, ipv6, context, destination: new IPEndPoint(address, s.Port)),
            BufferBytes: ZmqFormat.MaxMessageBytes,
            MaxMessages: 1,
            PipelineBuffers: PipelineBuffers);
    }

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings)
    {
        var s = (ZmqSettings)settings;
        return $"ZeroMQ PUSH to {s.Host}:{s.Port} (hwm {s.Hwm})";
    }

    /// <inheritdoc/>
    public override IEnumerable<string> LoopGuardFilters(OutputSettings settings)
    {
        var s = (ZmqSettings)settings;
        IPAddress? address = HostResolver.TryResolve(s.Host);
        return address is null ? [] : [$"tcp and host {HostResolver.ForFilter(address)} and port {s.Port}"];
    }
}
