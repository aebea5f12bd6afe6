using System.Net;
using Cpworker.Host.Recv.Decoding;

namespace Cpworker.Host.Recv;

/// <summary>One listener to open: what the command line or a <c>receivers</c> entry asked for.</summary>
internal sealed record ListenerSpec
{
    /// <summary><c>vxlan</c>, <c>gre</c> or <c>zmq</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>VXLAN: the UDP endpoint; GRE: the address (port 0).</summary>
    public IPEndPoint? Bind { get; init; }

    /// <summary>VXLAN: the sender's tag layout.</summary>
    public VxlanTagLayout Layout { get; init; } = VxlanTagLayout.Vni1;

    /// <summary>VXLAN: the sender appends the capture-time trailer.</summary>
    public bool CaptureTime { get; init; }

    /// <summary>ZMQ: <c>tcp://ADDR:PORT</c>.</summary>
    public string? Endpoint { get; init; }

    /// <summary>ZMQ: connect instead of bind.</summary>
    public bool Connect { get; init; }
}
