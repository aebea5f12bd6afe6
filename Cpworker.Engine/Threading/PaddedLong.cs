using System.Runtime.InteropServices;

namespace Cpworker.Engine.Threading;

/// <summary>
/// A long alone on its cache line. Top-level because a struct nested in a generic type is generic
/// itself, and the runtime refuses explicit layout on generic types (TypeLoadException).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    /// <summary>The value, 64 bytes from either neighbour.</summary>
    [FieldOffset(64)]
    public long Value;
}
