using System.Runtime.InteropServices;
using Cpworker.Engine.Capture.Namespaces;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Interop;
using Cpworker.Engine.Packets;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Live capture on an Ethernet interface through our own <c>AF_PACKET</c> socket and
/// <c>TPACKET_V3</c> receive ring (<c>libpcap.reader</c> <c>ring</c>): the batch describes the
/// frames where the kernel wrote them, nothing is copied, and a ring block goes back to the
/// kernel only once no batch holds it (docs/architecture.md, "Live capture readers").
/// </summary>
/// <remarks>
/// Owned by the task's capture thread: every member except <see cref="Release"/> is called on it.
/// <see cref="Release"/> comes from whoever owns a batch when it is reset or returned (the
/// encapsulation thread under the pipeline). <see cref="Open"/> enters the task's <c>netns</c> on
/// the capture thread and leaves it before returning; the socket stays bound to that namespace.
/// The filter is compiled by libpcap (<c>pcap_compile</c> on a dead Ethernet handle) and attached
/// with <c>SO_ATTACH_FILTER</c>; drops come from <c>PACKET_STATISTICS</c>.
/// </remarks>
internal sealed unsafe partial class RingCaptureSource : InterfaceCaptureSource, IFrameLender
{
    /// <summary>Smallest and largest ring block; a block is handed over when full or after <c>timeout_ms</c>.</summary>
    private const int MinBlockBytes = 256 * 1024, MaxBlockBytes = 4 * 1024 * 1024;

    /// <summary>Blocks a ring should have at least, so that batches holding a few never starve the kernel.</summary>
    private const int MinBlocks = 32;

    /// <summary>BPF matching every output's traffic; null when the loop guard is off.</summary>
    private readonly string? _loopGuard;

    private readonly ILogger _logger;

    private readonly string _task;

    /// <summary>The fanout group this socket joins at open (<c>threads</c> &gt; 1); null for a lone socket.</summary>
    private readonly FanoutGroup? _fanout;

    /// <summary>The packet socket; -1 when closed.</summary>
    private int _fd = -1;

    /// <summary>True on a loopback interface, where every frame passes twice (out and in) and only one is kept.</summary>
    private bool _loopback;

    /// <summary>Start of the mapped ring; null when not mapped.</summary>
    private byte* _ring;

    private nuint _ringBytes;
    private int _blockBytes;
    private int _blockCount;

    /// <summary>
    /// Holds per block: 1 for the reader while it walks the block, plus 1 per batch that describes
    /// frames in it. Whoever brings it to 0 hands the block back to the kernel.
    /// </summary>
    private int[] _holds = [];

    private int _snaplen;
    private long _dropped;

    /// <summary>The filter installed last, kept to re-check frames the kernel took in under the one before it.</summary>
    private OfflineBpfFilter? _filter;

    /// <summary>Frames stamped up to this time (ns) may have passed the previous filter: <see cref="_filter"/> checks them again.</summary>
    private long _refilterUntil;

    /// <summary>Creates the source; nothing is opened until <see cref="Open"/>.</summary>
    public RingCaptureSource(LibpcapCaptureConfig config, string? loopGuard, ILogger logger, string taskName, FanoutGroup? fanout = null)
        : base(config)
    {
        _loopGuard = loopGuard;
        _logger = logger;
        _task = taskName;
        _fanout = fanout;
    }

    /// <inheritdoc/>
    public override int MaxFrameLength => _snaplen;

    /// <summary>Link type of the frames (always Ethernet); for tests.</summary>
    internal static int LinkType => LinkTypeNormalizer.Ethernet;

    /// <summary>The kernel stamps ring frames in nanoseconds; for tests.</summary>
    internal static bool NanosecondTimestamps => true;

    /// <summary>Ring geometry: (block bytes, blocks); for tests and the log.</summary>
    internal (int BlockBytes, int Blocks) Geometry => (_blockBytes, _blockCount);

    /// <inheritdoc/>
    protected override bool IsOpen => _fd >= 0;

    /// <summary>
    /// True when the ring reader can capture on <paramref name="iface"/> in the calling thread's
    /// namespace: an Ethernet or loopback interface (others need libpcap's link-type handling).
    /// </summary>
    public static bool Supports(string iface)
    {
        int fd = LibC.Socket(LibC.AfInet, LibC.SockDgram | LibC.SockCloexec, 0);
        if (fd < 0)
        {
            return false;
        }

        try
        {
            return HardwareType(fd, iface) is LibC.ArphrdEther or LibC.ArphrdLoopback;
        }
        finally
        {
            LibC.Close(fd);
        }
    }

    /// <inheritdoc/>
    public override void Open()
    {
        if (_fd >= 0)
        {
            throw new InvalidOperationException("the capture is already open");
        }

        try
        {
            using NetworkNamespace ns = NetworkNamespace.Enter(Config.NetnsReference);
            RecordEnteredNetns(ns.Entered);
            string? filter = CaptureFilter.Compose(Config.Bpf, _loopGuard, InterfaceResolver.Find);
            int ifIndex = (int)LibC.IfNameToIndex(Config.Interface);
            if (ifIndex == 0)
            {
                string inNs = Config.NetnsReference is null ? "" : $" in netns {Config.NetnsReference}";
                throw new CaptureException($"cannot capture on {Config.Interface}: no such interface{inNs}");
            }

            _fd = LibC.Socket(LibC.AfPacket, LibC.SockRaw | LibC.SockCloexec, 0); // protocol 0: nothing arrives before bind
            if (_fd < 0)
            {
                throw Failure("cannot open a packet socket on", Marshal.GetLastPInvokeError());
            }

            ushort type = HardwareType(_fd, Config.Interface);
            if (type is not (LibC.ArphrdEther or LibC.ArphrdLoopback))
            {
                throw new CaptureException($"cannot capture on {Where} with the ring reader: hardware type {type} is not Ethernet (use \"reader\": \"libpcap\")");
            }

            _loopback = type == LibC.ArphrdLoopback;
            _snaplen = Config.Snaplen;
            SetOption(LibC.SolPacket, LibC.PacketVersion, LibC.TPacketV3, "PACKET_VERSION");
            ApplyFilter(_fanout is null ? filter : RejectAll);
            MapRing();
            Bind(ifIndex);
            if (_fanout is not null)
            {
                DiscardReady();
                string? error = _fanout.Join(_fd);
                if (error is not null)
                {
                    throw new CaptureException($"cannot join the capture threads of {Where} in one fanout group: {error}");
                }

                DeferDelivery(filter);
            }

            CaptureLog.LiveOpened(_logger, _task, Where, LinkType, _snaplen, "nanosecond", filter ?? "none");
            CaptureLog.RingOpened(_logger, _task, _blockCount, _blockBytes / 1024, RetireTimeoutMs);
        }
        catch
        {
            Close();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The kernel resets its counters on every read, so they are summed here. Interface drops stay
    /// 0, as libpcap reports them without promiscuous mode (which cpworker never asks for).
    /// </remarks>
    public override KernelCaptureStats ReadKernelStats()
    {
        if (_fd < 0)
        {
            return default;
        }

        LibC.TPacketStatsV3 stats = default;
        uint length = (uint)sizeof(LibC.TPacketStatsV3);
        if (LibC.GetSockOpt(_fd, LibC.SolPacket, LibC.PacketStatistics, &stats, &length) != 0)
        {
            throw Failure("PACKET_STATISTICS failed on", Marshal.GetLastPInvokeError());
        }

        _dropped += stats.Drops;
        return new KernelCaptureStats(_dropped, 0);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The kernel applies the new program to what arrives from now on; frames already in the ring
    /// that passed the old one are checked against the new one here, as libpcap does.
    /// </remarks>
    protected override void OnFilterReplaced() =>
        _refilterUntil = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000 + 1_000_000;

    /// <inheritdoc/>
    public override void Dispose()
    {
        Close();
        base.Dispose();
    }

    /// <summary><c>tp_retire_blk_tov</c>: <c>timeout_ms</c>, at least 1 ms (the ring has no immediate mode).</summary>
    private int RetireTimeoutMs => Math.Max(1, Config.TimeoutMs);

    private void MapRing()
    {
        long bytes = (long)Config.BufferSizeMb * 1024 * 1024;
        int block = MaxBlockBytes;
        while (block > MinBlockBytes && bytes / block < MinBlocks)
        {
            block /= 2;
        }

        while (block < _snaplen + 4096)
        {
            block *= 2; // a block holds at least one whole frame
        }

        int blocks = (int)Math.Max(4, bytes / block);
        const int frameBytes = 64 * 1024; // only checked by the kernel: a V3 block packs frames of any size
        var request = new LibC.TPacketReq3
        {
            BlockSize = (uint)block,
            BlockCount = (uint)blocks,
            FrameSize = frameBytes,
            FrameCount = (uint)(block / frameBytes * blocks),
            RetireBlockTimeoutMs = (uint)RetireTimeoutMs,
        };
        if (LibC.SetSockOpt(_fd, LibC.SolPacket, LibC.PacketRxRing, &request, (uint)sizeof(LibC.TPacketReq3)) != 0)
        {
            throw Failure($"cannot set up a receive ring of {blocks} × {block / 1024} KiB on", Marshal.GetLastPInvokeError());
        }

        _ringBytes = (nuint)block * (nuint)blocks;
        void* ring = LibC.MMap(null, _ringBytes, LibC.ProtReadWrite, LibC.MapShared, _fd, 0);
        if ((nint)ring == LibC.MapFailed)
        {
            throw Failure("cannot map the receive ring of", Marshal.GetLastPInvokeError());
        }

        _ring = (byte*)ring;
        _blockBytes = block;
        _blockCount = blocks;
        _holds = new int[blocks];
    }

    private void Bind(int ifIndex)
    {
        var address = new LibC.SockAddrLl { Family = LibC.AfPacket, Protocol = LibC.EthPAllNetworkOrder, IfIndex = ifIndex };
        if (LibC.Bind(_fd, &address, (uint)sizeof(LibC.SockAddrLl)) != 0)
        {
            throw Failure("cannot bind the packet socket to", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>Compiles <paramref name="filter"/> for Ethernet with the snaplen as its accept length, and attaches it; null keeps everything.</summary>
    /// <inheritdoc/>
    protected override void ApplyFilter(string? filter)
    {
        string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.Ethernet, _snaplen, filter ?? "", out OfflineBpfFilter? compiled);
        if (error is not null)
        {
            bool permanent = Config.Bpf is not null && BpfCompiler.Check(Config.Bpf, Config.Snaplen) is not null;
            throw new CaptureException($"cannot compile the filter for {Where} ({filter}): {error}", permanent);
        }

        var program = new LibC.SockFProg { Length = (ushort)compiled!.Program->Length, Instructions = compiled.Program->Instructions };
        if (LibC.SetSockOpt(_fd, LibC.SolSocket, LibC.SoAttachFilter, &program, (uint)sizeof(LibC.SockFProg)) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            compiled.Dispose();
            throw Failure("cannot set the filter on", errno);
        }

        _filter?.Dispose();
        _filter = compiled;
    }

    private void SetOption(int level, int name, int value, string what)
    {
        if (LibC.SetSockOpt(_fd, level, name, &value, sizeof(int)) != 0)
        {
            throw Failure($"cannot set {what} on", Marshal.GetLastPInvokeError());
        }
    }

    /// <summary>The <c>ARPHRD_*</c> type of <paramref name="iface"/>, asked through <paramref name="fd"/>; 0 when unknown.</summary>
    private static ushort HardwareType(int fd, string iface)
    {
        byte* request = stackalloc byte[40]; // struct ifreq: the name, then ifr_hwaddr (sa_family first)
        new Span<byte>(request, 40).Clear();
        int length = System.Text.Encoding.UTF8.GetBytes(iface, new Span<byte>(request, 15));
        request[length] = 0;
        return LibC.IoCtl(fd, LibC.SiocGifHwAddr, request) == 0 ? *(ushort*)(request + 16) : (ushort)0;
    }

    private CaptureException Failure(string what, int errno) => new($"{what} {Where}: {LibC.ErrorText(errno)}");

    private void Close()
    {
        if (_ring is not null)
        {
            byte* ring = _ring;
            _ring = null; // late releases (batches still in a pool) must not touch the unmapped ring
            LibC.MUnmap(ring, _ringBytes);
        }

        if (_fd >= 0)
        {
            LibC.Close(_fd);
            _fd = -1;
        }

        _filter?.Dispose();
        _filter = null;
        _current = -1;
        _next = 0;
        _nextSequence = 1;
    }
}
