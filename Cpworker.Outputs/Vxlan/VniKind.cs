namespace Cpworker.Outputs.Vxlan;

/// <summary>Which of <c>vni1</c> and <c>vni2</c> an output uses (docs/wire-formats.md, "VXLAN").</summary>
internal enum VniKind
{
    /// <summary><c>vni1</c>: a 24-bit service tag, direction in byte 4, check byte in byte 7.</summary>
    Vni1,

    /// <summary><c>vni2</c>: a 32-bit observation tag plus the direction.</summary>
    Vni2,
}
