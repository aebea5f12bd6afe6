using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary><c>poll</c>, for waiting on a capture handle's selectable descriptor without allocating.</summary>
internal static unsafe partial class LibC
{
    /// <summary><c>POLLIN</c>.</summary>
    public const short PollIn = 0x001;

    /// <summary><c>POLLERR</c>.</summary>
    public const short PollErr = 0x008;

    /// <summary><c>POLLHUP</c>.</summary>
    public const short PollHup = 0x010;

    /// <summary><c>POLLNVAL</c>.</summary>
    public const short PollNval = 0x020;

    /// <summary><c>EINTR</c>.</summary>
    public const int EIntr = 4;

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        /// <summary>The descriptor.</summary>
        public int Fd;

        /// <summary>Requested events.</summary>
        public short Events;

        /// <summary>Returned events.</summary>
        public short ReturnedEvents;
    }
}
