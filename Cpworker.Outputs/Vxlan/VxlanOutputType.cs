using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.FastPath;

namespace Cpworker.Outputs.Vxlan;

/// <summary>The <c>vxlan</c> output type.</summary>
internal sealed class VxlanOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "vxlan";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        VxlanSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((VxlanSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var s = (VxlanSettings)settings;
        IPAddress address = HostResolver.Resolve(s.Host);
        bool ipv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var destination = new IPEndPoint(address, s.Port);
        var encoder = new VxlanEncoder(
            s.VniKind, s.Vni, s.CaptureTime, s.SplitMaxPayloadSize, s.SplitRecalculateChecksum, VxlanEncoder.MaxPayload(ipv6));
        Socket socket = DatagramSockets.CreateUdp(destination, s.BindDevice, s.PmtuDiscovery);
        int maxDatagram = encoder.MaxDatagram(context.CaptureSnaplen);
        OutputTransport transport = TunnelTransports.Create(
            socket, destination, udp: true, s.BindDevice, s.PmtuDiscovery, s.SendPath, maxDatagram, context);
        return new OutputParts(
            encoder,
            transport,
            DatagramBuffers.BufferBytes(maxDatagram),
            DatagramBuffers.MaxMessages,
            DatagramBuffers.PipelineBuffers);
    }

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings)
    {
        var s = (VxlanSettings)settings;
        string tag = s.VniKind == VniKind.Vni1 ? $"vni1 {s.Vni}" : $"vni2 0x{s.Vni:x8}";
        string split = s.SplitMaxPayloadSize > 0 ? $", split at {s.SplitMaxPayloadSize} bytes" : "";
        return $"VXLAN to {s.Host}:{s.Port} ({tag}{split})";
    }

    /// <inheritdoc/>
    public override IEnumerable<string> LoopGuardFilters(OutputSettings settings)
    {
        var s = (VxlanSettings)settings;
        IPAddress? address = HostResolver.TryResolve(s.Host);
        return address is null ? [] : [$"udp and dst host {HostResolver.ForFilter(address)} and dst port {s.Port}"];
    }
}
