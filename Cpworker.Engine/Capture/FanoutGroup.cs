using System.Runtime.InteropServices;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>
/// The <c>PACKET_FANOUT</c> group that the capture handles of one task (<c>threads</c> &gt; 1)
/// share: the kernel sends each packet to exactly one member, chosen by a hash of its flow, so one
/// flow always reaches the same handle (and thread) and keeps its order. IP fragments are
/// reassembled for the hash first (<c>PACKET_FANOUT_FLAG_DEFRAG</c>) so that every fragment of a
/// datagram goes where its flow goes.
/// </summary>
/// <remarks>
/// The first member asks the kernel for an unused group id (<c>PACKET_FANOUT_FLAG_UNIQUEID</c>),
/// so two tasks or two daemons never join each other's group; the others join that id. Joined on
/// the thread that opens the task's handles, one after the other.
/// </remarks>
internal sealed unsafe class FanoutGroup
{
    /// <summary><c>PACKET_FANOUT_HASH</c>: by the packet's flow hash.</summary>
    private const int FanoutHash = 0;

    /// <summary><c>PACKET_FANOUT_FLAG_DEFRAG</c>.</summary>
    private const int FlagDefrag = 0x8000;

    /// <summary><c>PACKET_FANOUT_FLAG_UNIQUEID</c>: the kernel picks a free id (first member only).</summary>
    private const int FlagUniqueId = 0x2000;

    /// <summary>The group's id once the first member joined; -1 before.</summary>
    private int _id = -1;

    /// <summary>Members joined so far.</summary>
    public int Members { get; private set; }

    /// <summary>The kernel's group id; -1 before the first member joined.</summary>
    public int Id => _id;

    /// <summary>
    /// Joins the packet socket <paramref name="fd"/> (bound, ring set up: an activated libpcap
    /// handle) to the group. Returns null, or the reason it failed.
    /// </summary>
    public string? Join(int fd)
    {
        int typeFlags = FanoutHash | FlagDefrag;
        int value = _id < 0 ? (typeFlags | FlagUniqueId) << 16 : _id | (typeFlags << 16);
        if (LibC.SetSockOpt(fd, LibC.SolPacket, LibC.PacketFanout, &value, sizeof(int)) != 0)
        {
            return LibC.ErrorText(Marshal.GetLastPInvokeError());
        }

        if (_id < 0)
        {
            int joined = 0;
            uint length = sizeof(int);
            if (LibC.GetSockOpt(fd, LibC.SolPacket, LibC.PacketFanout, &joined, &length) != 0)
            {
                return LibC.ErrorText(Marshal.GetLastPInvokeError());
            }

            _id = joined & 0xFFFF;
        }

        Members++;
        return null;
    }
}
