using System.Runtime.InteropServices;

namespace Cpworker.Outputs.Common;

/// <summary>Linux <c>struct msghdr</c> (LP64, 56 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    /// <summary>Destination address (<c>sockaddr_in</c>/<c>sockaddr_in6</c>); null on a connected socket.</summary>
    public void* Name;

    /// <summary>Size of <see cref="Name"/>.</summary>
    public uint NameLength;

    /// <summary>The datagram's pieces.</summary>
    public IoVec* Iov;

    /// <summary>Number of <see cref="Iov"/> entries.</summary>
    public nuint IovLength;

    /// <summary>Ancillary data; unused.</summary>
    public void* Control;

    /// <summary>Size of <see cref="Control"/>.</summary>
    public nuint ControlLength;

    /// <summary>Flags on receive; unused on send.</summary>
    public int Flags;
}
