using System.Runtime.InteropServices;

namespace Cpworker.Outputs.Common;

/// <summary>Linux <c>struct iovec</c> (LP64): one contiguous piece of a datagram.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    /// <summary>First byte; points into a pinned <c>SendBuffer</c>.</summary>
    public byte* Base;

    /// <summary>Number of bytes.</summary>
    public nuint Length;
}
