using System.Runtime.InteropServices;

namespace Cpworker.Host.Recv.Transport;

/// <summary>The Linux calls recv needs that .NET does not expose: <c>recvmmsg</c>, raw sockets of any protocol, TAP and AF_PACKET.</summary>
internal static unsafe partial class RecvInterop
{
    /// <summary><c>AF_INET</c>.</summary>
    public const int AfInet = 2;

    /// <summary><c>AF_INET6</c>.</summary>
    public const int AfInet6 = 10;

    /// <summary><c>AF_PACKET</c>.</summary>
    public const int AfPacket = 17;

    /// <summary><c>SOCK_DGRAM</c>.</summary>
    public const int SockDgram = 2;

    /// <summary><c>SOCK_RAW</c>.</summary>
    public const int SockRaw = 3;

    /// <summary><c>SOCK_CLOEXEC</c>.</summary>
    public const int SockCloexec = 0x80000;

    /// <summary><c>IPPROTO_GRE</c>.</summary>
    public const int ProtoGre = 47;

    /// <summary><c>MSG_WAITFORONE</c>: block for the first datagram only.</summary>
    public const int MsgWaitForOne = 0x10000;

    /// <summary><c>MSG_DONTWAIT</c>.</summary>
    public const int MsgDontWait = 0x40;

    /// <summary><c>SOL_SOCKET</c>.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SO_RCVBUFFORCE</c>: past <c>rmem_max</c> (needs CAP_NET_ADMIN).</summary>
    public const int SoRcvBufForce = 33;

    /// <summary><c>EAGAIN</c>.</summary>
    public const int EAgain = 11;

    /// <summary><c>EINTR</c>.</summary>
    public const int EIntr = 4;

    /// <summary><c>O_RDWR | O_CLOEXEC</c>.</summary>
    public const int OpenReadWriteCloexec = 2 | 0x80000;

    /// <summary>Linux <c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        /// <summary>Start.</summary>
        public void* Base;

        /// <summary>Bytes.</summary>
        public nuint Length;
    }

    /// <summary>Linux <c>struct mmsghdr</c> (LP64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        /// <summary><c>msg_name</c>: the sender's address.</summary>
        public void* Name;

        /// <summary><c>msg_namelen</c>: in: room; out: size.</summary>
        public uint NameLength;

        /// <summary><c>msg_iov</c>.</summary>
        public IoVec* Iov;

        /// <summary><c>msg_iovlen</c>.</summary>
        public nuint IovLength;

        /// <summary><c>msg_control</c>: unused.</summary>
        public void* Control;

        /// <summary><c>msg_controllen</c>.</summary>
        public nuint ControlLength;

        /// <summary><c>msg_flags</c> on return.</summary>
        public int Flags;

        /// <summary>Padding: <c>struct msghdr</c> is 56 bytes on LP64.</summary>
        private readonly int _padding;

        /// <summary><c>msg_len</c>: bytes received.</summary>
        public uint Length;
    }

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMMsg(int fd, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* data, nuint length);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* data, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, void* address, uint length);

    [LibraryImport("libc", EntryPoint = "if_nametoindex", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial uint IfNameToIndex(string name);

    /// <summary>The text of an errno value.</summary>
    public static string ErrorText(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
