using System.Runtime.InteropServices;

namespace Cpworker.Engine.Threading;

/// <summary>A <see cref="long"/> alone on its cache line, so that two threads' hot counters do not share one.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct PaddedLong
{
    /// <summary>The value, 64 bytes into the struct.</summary>
    [FieldOffset(64)]
    public long Value;
}
