namespace Cpworker.Host.Recv.Decoding;

/// <summary>Why a datagram, batch or record was not decoded (each is a malformed-input counter).</summary>
internal enum DecodeStatus : byte
{
    /// <summary>Decoded.</summary>
    Ok = 0,

    /// <summary>Shorter than its headers say, or an inner frame under 14 bytes.</summary>
    Truncated,

    /// <summary>A version field that is not ours (GRE version ≠ 0, ZMQ batch version ≠ 2).</summary>
    WrongVersion,

    /// <summary>Flags our encoders never set (VXLAN flags ≠ 0x08, GRE without a key or with routing).</summary>
    BadFlags,

    /// <summary>A GRE protocol type other than Transparent Ethernet Bridging (0x6558).</summary>
    WrongProtocol,

    /// <summary>A <c>vni1</c> check byte that does not match the datagram.</summary>
    BadCheckByte,

    /// <summary>A field out of range: a <c>vni2</c> with direction bits 3, lengths that disagree, a missing MPLS tag.</summary>
    BadField,
}
