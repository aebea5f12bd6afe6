using System.Runtime.InteropServices;
using static Cpworker.Outputs.FastPath.RtNetlinkInterop;

namespace Cpworker.Outputs.FastPath;

/// <summary>
/// One rtnetlink listener per network namespace, shared by every ring output in it: a socket subscribed to the
/// link, neighbour, address and IPv4/IPv6 route groups, read by one background thread that sleeps in
/// <c>poll</c> while nothing changes. Each notification (and each overrun, when the kernel dropped some)
/// advances <see cref="Generation"/>; an output compares it with the generation it last looked up at, one
/// memory read per send, and asks the kernel again when it moved (docs/architecture.md, "The packet path").
/// </summary>
/// <remarks>
/// <para>Bounded: the thread advances the generation at most once per <see cref="CoalesceWindow"/>, so a storm
/// of neighbour updates elsewhere on the host costs each output at most that many lookups per second.
/// The messages are not parsed: any change may move a next hop, and the lookup that follows is the truth.</para>
/// <para>Lifetime: <see cref="Acquire"/> starts the listener of the calling thread's namespace on first use and
/// counts its users; the last <see cref="Release"/> wakes the thread through an eventfd, joins it and closes
/// both descriptors. Returns null where the socket cannot be opened: the caller then polls.</para>
/// </remarks>
internal sealed unsafe class RouteChangeMonitor
{
    /// <summary>Shortest time between two generation changes.</summary>
    public static readonly TimeSpan CoalesceWindow = TimeSpan.FromMilliseconds(5);

    /// <summary><c>RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE</c>.</summary>
    private const uint Groups = 0x1 | 0x4 | 0x10 | 0x40 | 0x100 | 0x400;

    private const int BufferBytes = 64 * 1024;

    private static readonly Lock s_registryLock = new();
    private static readonly Dictionary<string, RouteChangeMonitor> s_byNamespace = new(StringComparer.Ordinal);

    private readonly string _namespace;
    private readonly int _netlink;
    private readonly int _wake;
    private readonly Thread _thread;
    private int _users;
    private int _generation;

    private RouteChangeMonitor(string ns, int netlink, int wake)
    {
        _namespace = ns;
        _netlink = netlink;
        _wake = wake;
        _thread = new Thread(Listen) { IsBackground = true, Name = "cpw-rtnetlink" };
    }

    /// <summary>Advances on every route, neighbour, address or link change the kernel announced (and on overruns).</summary>
    public int Generation => Volatile.Read(ref _generation);

    /// <summary>
    /// The listener of the calling thread's network namespace, started if needed, with one more user; null when
    /// no rtnetlink socket can be subscribed here. Every non-null result needs one <see cref="Release"/>.
    /// </summary>
    public static RouteChangeMonitor? Acquire()
    {
        string ns = new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "net";
        lock (s_registryLock)
        {
            if (!s_byNamespace.TryGetValue(ns, out RouteChangeMonitor? monitor))
            {
                monitor = Open(ns);
                if (monitor is null)
                {
                    return null;
                }

                s_byNamespace.Add(ns, monitor);
                monitor._thread.Start();
            }

            monitor._users++;
            return monitor;
        }
    }

    /// <summary>One user less; the last one stops the thread and closes the socket.</summary>
    public void Release()
    {
        lock (s_registryLock)
        {
            if (--_users > 0)
            {
                return;
            }

            s_byNamespace.Remove(_namespace);
        }

        ulong one = 1;
        Write(_wake, &one, sizeof(ulong));
        _thread.Join(TimeSpan.FromSeconds(2));
        Close(_netlink);
        Close(_wake);
    }

    private static RouteChangeMonitor? Open(string ns)
    {
        int netlink = Socket(AfNetlink, SockRawCloexec, NetlinkRoute);
        if (netlink < 0)
        {
            return null;
        }

        int buffer = 1 << 20; // room for a burst while the thread coalesces; an overrun only means "look again"
        if (SetSockOpt(netlink, SolSocket, SoRcvBufForce, &buffer, sizeof(int)) != 0)
        {
            SetSockOpt(netlink, SolSocket, SoRcvBuf, &buffer, sizeof(int));
        }

        var address = new SockAddrNl { Family = AfNetlink, Groups = Groups };
        int wake = EventFd(0, EfdCloexec | EfdNonblock);
        if (Bind(netlink, &address, (uint)sizeof(SockAddrNl)) != 0 || wake < 0)
        {
            Close(netlink);
            if (wake >= 0)
            {
                Close(wake);
            }

            return null;
        }

        return new RouteChangeMonitor(ns, netlink, wake);
    }

    private void Listen()
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(BufferBytes, pinned: true);
        PollFd* fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _netlink, Events = PollIn };
        fds[1] = new PollFd { Fd = _wake, Events = PollIn };
        fixed (byte* b = buffer)
        {
            while (true)
            {
                fds[0].REvents = 0;
                fds[1].REvents = 0;
                if (Poll(fds, 2, -1) < 0 && Marshal.GetLastPInvokeError() != EIntr)
                {
                    return; // not expected; the outputs' slow poll still follows changes
                }

                if (fds[1].REvents != 0)
                {
                    return;
                }

                if (fds[0].REvents == 0)
                {
                    continue;
                }

                // Drain everything queued: notifications, or ENOBUFS when the kernel had to drop some.
                while (Recv(_netlink, b, BufferBytes, MsgDontWait) >= 0 || Marshal.GetLastPInvokeError() is ENoBufs or EIntr)
                {
                }

                Interlocked.Increment(ref _generation);
                Thread.Sleep(CoalesceWindow); // rate limit; what arrives meanwhile is one more change
            }
        }
    }
}
