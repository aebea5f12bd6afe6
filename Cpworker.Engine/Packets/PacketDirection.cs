namespace Cpworker.Engine.Packets;

/// <summary>The direction of a packet relative to the monitored service (docs/direction.md, "Values").</summary>
/// <remarks>The numeric values 0–2 are the ones written on the wire (GRE key, VXLAN tag, ZMQ tag).</remarks>
public enum PacketDirection : byte
{
    /// <summary>The task has no <c>req_pattern</c>: direction is not checked.</summary>
    NotChecked = 0,

    /// <summary>Incoming: a request to the monitored service.</summary>
    Incoming = 1,

    /// <summary>Outgoing: a response from the monitored service.</summary>
    Outgoing = 2,

    /// <summary>The pattern matched neither side; no output exports the packet.</summary>
    Unknown = 3,
}
