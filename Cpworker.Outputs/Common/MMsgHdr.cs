using System.Runtime.InteropServices;

namespace Cpworker.Outputs.Common;

/// <summary>Linux <c>struct mmsghdr</c> (LP64, 64 bytes): one entry of a <c>sendmmsg</c> call.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    /// <summary>The message.</summary>
    public MsgHdr Header;

    /// <summary>Bytes sent, filled in by the kernel.</summary>
    public uint Length;
}
