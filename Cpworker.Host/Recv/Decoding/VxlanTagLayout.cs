namespace Cpworker.Host.Recv.Decoding;

/// <summary>How the sender laid out VXLAN bytes 4–7 (its <c>vni1</c> or <c>vni2</c> setting): the datagram does not say.</summary>
internal enum VxlanTagLayout : byte
{
    /// <summary>Service tag, direction nibble and check byte (docs/wire-formats.md#vni1-service-tag-direction-and-check-byte).</summary>
    Vni1,

    /// <summary>Observation tag plus direction in bits 0–1 (docs/wire-formats.md#vni2-observation-tag).</summary>
    Vni2,
}
