using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.FastPath;

namespace Cpworker.Outputs.Gre;

/// <summary>The <c>gre</c> output type.</summary>
internal sealed class GreOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "gre";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        GreSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((GreSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var s = (GreSettings)settings;
        IPAddress address = HostResolver.Resolve(s.Host);
        bool ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        Socket socket = DatagramSockets.CreateRawGre(address, s.BindDevice, s.PmtuDiscovery);
        int maxFrame = GreEncoder.MaxFrame(ipv6);
        int maxDatagram = GreFormat.HeaderLength + Math.Min(Math.Max(context.CaptureSnaplen, 1), maxFrame);
        OutputTransport transport = TunnelTransports.Create(
            socket, new IPEndPoint(address, 0), udp: false, s.BindDevice, s.PmtuDiscovery, s.SendPath, maxDatagram, context);
        return new OutputParts(
            new GreEncoder(s.ServiceTag, maxFrame),
            transport,
            DatagramBuffers.BufferBytes(maxDatagram),
            DatagramBuffers.MaxMessages,
            DatagramBuffers.PipelineBuffers);
    }

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings)
    {
        var s = (GreSettings)settings;
        return s.ServiceTag == GreSettings.NoServiceTag ? $"GRE to {s.Host}" : $"GRE to {s.Host} (service tag {s.ServiceTag})";
    }

    /// <inheritdoc/>
    public override IEnumerable<string> LoopGuardFilters(OutputSettings settings)
    {
        IPAddress? address = HostResolver.TryResolve(((GreSettings)settings).Host);
        if (address is null)
        {
            return [];
        }

        string ip = address.AddressFamily == AddressFamily.InterNetworkV6 ? "ip6" : "ip";
        return [$"{ip} proto 47 and dst host {HostResolver.ForFilter(address)}"];
    }
}
