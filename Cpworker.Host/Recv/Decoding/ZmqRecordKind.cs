namespace Cpworker.Host.Recv.Decoding;

/// <summary>What one record of a ZMQ batch turned out to be.</summary>
internal enum ZmqRecordKind : byte
{
    /// <summary>A packet; its MPLS-like tag is removed and the original EtherType restored.</summary>
    Frame,

    /// <summary>
    /// A packet whose original EtherType cannot be inferred from its L3 bytes (not IPv4, IPv6 or
    /// ARP, or sliced at the L2 stack): kept as received, with EtherType 0x8847 and the tag.
    /// </summary>
    FrameWithTag,

    /// <summary>A heartbeat record: no packet.</summary>
    Heartbeat,

    /// <summary>A record that is not ours; when its framing is broken, the rest of the batch is skipped.</summary>
    Malformed,
}
