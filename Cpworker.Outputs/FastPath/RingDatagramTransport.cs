using System.Net;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Logging;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.PacketRing;
using Microsoft.Extensions.Logging;

namespace Cpworker.Outputs.FastPath;

/// <summary>
/// The fast send path of GRE and VXLAN (<c>send_path</c> <c>packet_ring</c>/<c>auto</c>): every datagram of a
/// <see cref="SendBuffer"/> becomes a whole frame (<see cref="OuterHeaders"/>) in an AF_PACKET TX ring on the
/// egress interface, and one kick per buffer sends them, bypassing the kernel's per-datagram socket path.
/// What the ring cannot carry goes through <see cref="DatagramTransport"/> (the socket path) and is counted
/// there: every datagram while the next hop is unresolved (sending makes the kernel resolve it) and a datagram
/// larger than the path MTU (the kernel fragments it).
/// </summary>
/// <remarks>
/// <para>The next hop comes from the kernel (<see cref="NextHopResolver"/>). It is looked up again on the first
/// <see cref="Send"/> or <see cref="OnTick"/> after rtnetlink announced a route, neighbour, address or link
/// change (<see cref="RouteChangeMonitor"/>, one listener for all outputs), and every
/// <see cref="SafetyNetInterval"/> in case a notification was lost; where no rtnetlink subscription is possible,
/// every <see cref="RefreshInterval"/>. A new egress interface gets a new ring.</para>
/// <para>Congestion (docs/architecture.md): a ring whose slots are all still the kernel's is full. A live task
/// drops the rest of the buffer for this output only (error drops); a replay waits for slots, up to
/// <see cref="ReplayWait"/> without progress (a dead interface) and within the task's stop budget, and after
/// such a wait ran out drops without waiting until a slot comes back.</para>
/// <para>One thread at a time, like every transport. A send allocates nothing; a next-hop change allocates
/// (log line, a new ring when the interface changed).</para>
/// </remarks>
internal sealed unsafe class RingDatagramTransport : OutputTransport
{
    /// <summary>How often the next hop is looked up again without an rtnetlink subscription.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the next hop is looked up again with an rtnetlink subscription, in case a notification was lost.</summary>
    public static readonly TimeSpan SafetyNetInterval = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait of a replay for a ring slot without any slot coming back.</summary>
    public static readonly TimeSpan ReplayWait = TimeSpan.FromSeconds(1);

    /// <summary>Ring memory per output (slots × slot size).</summary>
    private const int RingBytes = 4 << 20;

    /// <summary>Fewest slots: a buffer's datagrams always fit.</summary>
    private const int MinFrames = 2 * DatagramBuffers.MaxMessages;

    private readonly DatagramTransport _socketPath;
    private readonly NextHopResolver _resolver;
    private readonly OuterHeaders _headers;
    private readonly IPAddress _destination;
    private readonly int _bindInterface;
    private readonly int _maxDatagram;
    private readonly bool _replay;
    private readonly StopClock _stop;
    private readonly TimeProvider _time;
    private readonly long _refreshTicks;
    private readonly OutputCounters.SenderSide _counters;
    private readonly ILogger _logger;
    private readonly LogThrottle _errorLog;
    private readonly string _displayName;

    private readonly SendPath _mode;
    private PacketTxRing? _ring;

    /// <summary>The shared rtnetlink listener; null where none could be opened (then the lookup polls).</summary>
    private RouteChangeMonitor? _monitor;

    /// <summary>The monitor's generation at the last lookup.</summary>
    private int _lookedUpGeneration;

    /// <summary>True when <c>auto</c> found that no ring can be opened here (no CAP_NET_RAW): socket path for good.</summary>
    private bool _ringDisabled;
    private NextHop _hop;
    private NextHopStatus _status = (NextHopStatus)(-1);
    private long _nextRefresh;

    /// <summary>True after a replay's wait for slots ran out, until the kernel gives a slot back: a dead link is waited for once, not per buffer.</summary>
    private bool _ringStalled;

    /// <summary>Largest datagram the ring carries for the current hop (path MTU and slot size).</summary>
    private int _ringMaxDatagram;

    /// <summary>
    /// Creates the fast path in front of <paramref name="socketPath"/> (owned from now on). Opens a ring at once
    /// when the next hop resolves; throws <see cref="OutputStartException"/> when it cannot be opened.
    /// <paramref name="maxDatagram"/> is the largest datagram the encoder writes (sizes the ring's slots).
    /// </summary>
    public RingDatagramTransport(
        DatagramTransport socketPath,
        OuterHeaders headers,
        IPAddress destination,
        string? bindDevice,
        int maxDatagram,
        SendPath mode,
        OutputContext context)
    {
        _mode = mode;
        _socketPath = socketPath;
        _headers = headers;
        _destination = destination;
        _maxDatagram = maxDatagram;
        _replay = context.IsReplay;
        _stop = context.Stop;
        _time = context.Time;

        _counters = context.Counters.Sender;
        _logger = context.Logger;
        _errorLog = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        _displayName = context.DisplayName;
        try
        {
            _bindInterface = string.IsNullOrEmpty(bindDevice) ? 0 : PacketTxRing.IndexOf(bindDevice);
            _resolver = new NextHopResolver();
        }
        catch (IOException ex)
        {
            throw new OutputStartException($"send_path packet_ring: {ex.Message}", ex);
        }

        if (!PacketRingInterop.CanOpenPacketSocket(out string reason))
        {
            if (mode == SendPath.PacketRing)
            {
                Dispose();
                throw new OutputStartException($"send_path packet_ring: {reason}");
            }

            _ringDisabled = true;
            TransportLog.SocketPathChosen(_logger, _displayName, reason);
        }
        else
        {
            _monitor = RouteChangeMonitor.Acquire();
            _lookedUpGeneration = _monitor?.Generation ?? 0;
        }

        TimeSpan interval = _monitor is null ? RefreshInterval : SafetyNetInterval;
        _refreshTicks = (long)(interval.TotalSeconds * _time.TimestampFrequency);
        try
        {
            Refresh(startup: true);
        }
        catch (OutputStartException)
        {
            // The caller disposes the socket path; what this constructor opened is released here.
            _monitor?.Release();
            _monitor = null;
            _resolver.Dispose();
            throw;
        }
    }

    /// <summary>The next hop in use, when resolved; for tests and logs.</summary>
    internal NextHop? CurrentHop => _status == NextHopStatus.Resolved ? _hop : null;

    /// <summary>The socket path behind the ring, for tests.</summary>
    internal DatagramTransport SocketPath => _socketPath;

    /// <inheritdoc/>
    public override void Send(SendBuffer buffer)
    {
        RefreshIfDue();
        int count = buffer.MessageCount;
        PacketTxRing? ring = _ring;
        if (ring is null || _status != NextHopStatus.Resolved)
        {
            _socketPath.Send(buffer);
            return;
        }

        ring.Reclaim();
        int[] offsets = buffer.MessageOffsets;
        int[] lengths = buffer.MessageLengths;
        int committed = 0;
        for (int i = 0; i < count; i++)
        {
            int length = lengths[i];
            if (length > _ringMaxDatagram)
            {
                // Larger than the path MTU: the socket path lets the kernel fragment it. Kick first to keep the order.
                Kick(ring, ref committed);
                _socketPath.SendRange(buffer, i, 1);
                continue;
            }

            byte* slot = ring.TryAcquire();
            if (slot is not null)
            {
                _ringStalled = false;
            }
            else
            {
                Kick(ring, ref committed);
                slot = WaitForSlot(ring);
                if (slot is null)
                {
                    _socketPath.Account(buffer, i, count - i, failed: true);
                    ReportFailure("the TX ring is full");
                    break;
                }
            }

            int frameLength = _headers.Write(slot, new ReadOnlySpan<byte>(buffer.Pointer + offsets[i], length));
            ring.Commit(frameLength);
            committed++;
            _socketPath.Account(buffer, i, 1, failed: false);
            _counters.RingDatagrams++;
        }

        Kick(ring, ref committed);
    }

    /// <inheritdoc/>
    public override void OnTick()
    {
        RefreshIfDue();
        if (_ring is { } ring && ring.InFlight > 0)
        {
            ring.Reclaim();
            int none = 1;
            Kick(ring, ref none); // frames a device refused (ENOBUFS) go now
        }
    }

    /// <inheritdoc/>
    public override void Close()
    {
        if (_ring is { } ring)
        {
            // Frames still waiting for a kick (a busy device) get a last chance within the stop budget.
            long deadline = Environment.TickCount64 + (long)_stop.Limit(ReplayWait).TotalMilliseconds;
            int none = 1;
            Kick(ring, ref none);
            while (ring.InFlight > 0 && ring.Reclaim() >= 0 && ring.InFlight > 0 && Environment.TickCount64 < deadline)
            {
                ring.WaitForRoom(10);
                Kick(ring, ref none);
            }
        }

        Dispose();
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        _ring?.Dispose();
        _ring = null;
        _monitor?.Release();
        _monitor = null;
        _resolver.Dispose();
        _socketPath.Dispose();
        base.Dispose();
    }

    private void RefreshIfDue()
    {
        long now = _time.GetTimestamp();
        int generation = _monitor?.Generation ?? 0;
        if (generation != _lookedUpGeneration || now >= _nextRefresh)
        {
            // The generation is read before the lookup: a change announced during it causes one more.
            _lookedUpGeneration = generation;
            _nextRefresh = now + _refreshTicks;
            Refresh(startup: false);
        }
    }

    private void Refresh(bool startup)
    {
        if (_ringDisabled)
        {
            _status = NextHopStatus.UnsupportedInterface;
            return;
        }

        NextHopStatus status = _resolver.Lookup(_destination, _bindInterface, out NextHop hop);
        if (status == _status && hop == _hop)
        {
            return;
        }

        if (status == NextHopStatus.Resolved && (_ring is null || _ring.InterfaceIndex != hop.InterfaceIndex || _hop.Mtu != hop.Mtu))
        {
            if (!OpenRing(hop, startup))
            {
                status = NextHopStatus.UnsupportedInterface;
            }
        }

        if (status == NextHopStatus.Resolved)
        {
            _headers.SetNextHop(hop);
            _ringMaxDatagram = Math.Min(hop.Mtu - _headers.IpOverhead, _ring!.MaxFrameLength - _headers.Length);
            TransportLog.RingPath(_logger, _displayName, _destination, hop);
        }
        else
        {
            TransportLog.SocketPath(_logger, _displayName, _destination, status);
        }

        _status = status;
        _hop = hop;
    }

    private bool OpenRing(in NextHop hop, bool startup)
    {
        int largestFrame = _headers.Length + Math.Min(_maxDatagram, hop.Mtu - _headers.IpOverhead);
        int frameSize = (int)Math.Min(65_536, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(largestFrame + PacketTxRing.SlotOverhead)));
        int frames = Math.Max(MinFrames, RingBytes / frameSize);
        PacketTxRing ring;
        try
        {
            ring = PacketTxRing.Open(hop.InterfaceIndex, frameSize, frames, etherType: hop.IsIpv6 ? (ushort)0x86DD : (ushort)0x0800);
        }
        catch (IOException ex)
        {
            if (startup && _mode == SendPath.PacketRing)
            {
                throw new OutputStartException($"send_path packet_ring: {ex.Message}", ex);
            }

            ReportFailure(ex.Message);
            _ringDisabled = _mode == SendPath.Auto; // auto: the socket path for good; packet_ring: retried on the next change
            return false;
        }

        if (_ring is { } old)
        {
            int none = 1;
            Kick(old, ref none);
            old.Dispose();
        }

        _ring = ring;
        return true;
    }

    /// <summary>Kicks when frames were committed since the last kick; a refused kick leaves them for the next one.</summary>
    private void Kick(PacketTxRing ring, ref int committed)
    {
        if (committed == 0)
        {
            return;
        }

        committed = 0;
        if (!ring.Kick(out int errno) && errno is not (PacketRingInterop.ENoBufs or PacketRingInterop.EAgain))
        {
            ReportFailure(PacketRingInterop.ErrorText(errno));
        }
    }

    /// <summary>A live task does not wait (null); a replay waits for the kernel to give a slot back.</summary>
    private byte* WaitForSlot(PacketTxRing ring)
    {
        if (!_replay || _ringStalled)
        {
            return null;
        }

        _ringStalled = true;

        long deadline = Environment.TickCount64 + (long)ReplayWait.TotalMilliseconds;
        while (Environment.TickCount64 < deadline)
        {
            int wait = (int)Math.Min(10, _stop.Limit(ReplayWait).TotalMilliseconds);
            if (ring.WaitForRoom(wait))
            {
                _ringStalled = false;
                return ring.TryAcquire();
            }

            if (_stop.Stopping && _stop.Limit(ReplayWait) == TimeSpan.Zero)
            {
                return null;
            }

            int none = 1;
            Kick(ring, ref none);
        }

        return null;
    }

    private void ReportFailure(string what)
    {
        if (_errorLog.ShouldLog())
        {
            TransportLog.RingSendFailed(
                _logger,
                _displayName,
                _destination,
                what,
                _counters.FailedSends);
        }
    }
}
