using System.Runtime.InteropServices;

namespace Cpworker.Engine.Interop;

/// <summary>
/// The libpcap calls SharpPcap does not expose (or exposes wrongly, like <c>pcap_stats</c>),
/// bound as unmanaged function pointers.
/// </summary>
/// <remarks>
/// The library is loaded by hand with the same name list SharpPcap uses, so both bind the same
/// libpcap instance and <c>pcap_t*</c> handles can be passed between them. Function pointers
/// rather than <c>[LibraryImport]</c> with a resolver: an assembly can have only one
/// <c>DllImportResolver</c>, and this one must not collide with anybody else's.
/// Every <c>pcap_t*</c> parameter is a raw pointer: the caller keeps the owning handle alive.
/// </remarks>
internal static unsafe class LibPcap
{
    /// <summary><c>PCAP_ERRBUF_SIZE</c>.</summary>
    public const int ErrorBufferSize = 256;

    /// <summary><c>PCAP_NETMASK_UNKNOWN</c> for <see cref="Compile"/>.</summary>
    public const uint NetmaskUnknown = 0xFFFFFFFF;

    private static readonly string[] s_names = ["libpcap.so", "libpcap.so.0", "libpcap.so.0.8", "libpcap.so.1"];

    private static readonly delegate* unmanaged<nint, PcapStat*, int> s_stats;
    private static readonly delegate* unmanaged<nint, int, byte*, int> s_setNonBlock;
    private static readonly delegate* unmanaged<nint, int> s_getSelectableFd;
    private static readonly delegate* unmanaged<nint, BpfProgram*, int> s_setFilter;
    private static readonly delegate* unmanaged<nint, BpfProgram*, byte*, int, uint, int> s_compile;
    private static readonly delegate* unmanaged<BpfProgram*, void> s_freeCode;
    private static readonly delegate* unmanaged<int, int, nint> s_openDead;
    private static readonly delegate* unmanaged<nint, void> s_close;
    private static readonly delegate* unmanaged<BpfProgram*, PcapPacketHeader*, byte*, int> s_offlineFilter;
    private static readonly delegate* unmanaged<nint, byte*> s_getErr;
    private static readonly delegate* unmanaged<nint, int> s_snapshot;
    private static readonly delegate* unmanaged<nint, int> s_datalink;

    static LibPcap()
    {
        nint lib = 0;
        foreach (string name in s_names)
        {
            if (NativeLibrary.TryLoad(name, out lib))
            {
                break;
            }
        }

        if (lib == 0)
        {
            throw new DllNotFoundException("libpcap not found (tried " + string.Join(", ", s_names) + "); install libpcap0.8");
        }

        s_stats = (delegate* unmanaged<nint, PcapStat*, int>)NativeLibrary.GetExport(lib, "pcap_stats");
        s_setNonBlock = (delegate* unmanaged<nint, int, byte*, int>)NativeLibrary.GetExport(lib, "pcap_setnonblock");
        s_getSelectableFd = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "pcap_get_selectable_fd");
        s_setFilter = (delegate* unmanaged<nint, BpfProgram*, int>)NativeLibrary.GetExport(lib, "pcap_setfilter");
        s_compile = (delegate* unmanaged<nint, BpfProgram*, byte*, int, uint, int>)NativeLibrary.GetExport(lib, "pcap_compile");
        s_freeCode = (delegate* unmanaged<BpfProgram*, void>)NativeLibrary.GetExport(lib, "pcap_freecode");
        s_openDead = (delegate* unmanaged<int, int, nint>)NativeLibrary.GetExport(lib, "pcap_open_dead");
        s_close = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "pcap_close");
        s_offlineFilter = (delegate* unmanaged<BpfProgram*, PcapPacketHeader*, byte*, int>)NativeLibrary.GetExport(lib, "pcap_offline_filter");
        s_getErr = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "pcap_geterr");
        s_snapshot = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "pcap_snapshot");
        s_datalink = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "pcap_datalink");
    }

    /// <summary><c>pcap_stats</c>: 0 on success.</summary>
    public static int Stats(nint pcap, PcapStat* stats) => s_stats(pcap, stats);

    /// <summary><c>pcap_setnonblock</c>; <paramref name="errorBuffer"/> holds <see cref="ErrorBufferSize"/> bytes.</summary>
    public static int SetNonBlock(nint pcap, bool nonBlock, byte* errorBuffer) => s_setNonBlock(pcap, nonBlock ? 1 : 0, errorBuffer);

    /// <summary><c>pcap_get_selectable_fd</c>: -1 when there is none.</summary>
    public static int GetSelectableFd(nint pcap) => s_getSelectableFd(pcap);

    /// <summary><c>pcap_setfilter</c>: 0 on success.</summary>
    public static int SetFilter(nint pcap, BpfProgram* program) => s_setFilter(pcap, program);

    /// <summary><c>pcap_compile</c> (optimised); <paramref name="expression"/> is NUL-terminated. 0 on success.</summary>
    public static int Compile(nint pcap, BpfProgram* program, byte* expression, uint netmask) =>
        s_compile(pcap, program, expression, 1, netmask);

    /// <summary><c>pcap_freecode</c>.</summary>
    public static void FreeCode(BpfProgram* program) => s_freeCode(program);

    /// <summary><c>pcap_open_dead</c>: a handle for compiling filters; 0 on failure.</summary>
    public static nint OpenDead(int dlt, int snaplen) => s_openDead(dlt, snaplen);

    /// <summary><c>pcap_close</c>.</summary>
    public static void Close(nint pcap) => s_close(pcap);

    /// <summary><c>pcap_offline_filter</c>: nonzero when the packet matches.</summary>
    public static int OfflineFilter(BpfProgram* program, PcapPacketHeader* header, byte* data) =>
        s_offlineFilter(program, header, data);

    /// <summary><c>pcap_snapshot</c>.</summary>
    public static int Snapshot(nint pcap) => s_snapshot(pcap);

    /// <summary><c>pcap_datalink</c>.</summary>
    public static int Datalink(nint pcap) => s_datalink(pcap);

    /// <summary><c>pcap_geterr</c> as a string.</summary>
    public static string GetError(nint pcap) => Marshal.PtrToStringUTF8((nint)s_getErr(pcap)) ?? "unknown libpcap error";

    /// <summary>The NUL-terminated text in an error buffer.</summary>
    public static string ErrorText(byte* errorBuffer) => Marshal.PtrToStringUTF8((nint)errorBuffer) ?? "unknown libpcap error";

    /// <summary><c>struct pcap_stat</c> on Linux: three 32-bit counters (not the 64-bit ones SharpPcap declares).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PcapStat
    {
        /// <summary>Packets received.</summary>
        public uint Received;

        /// <summary>Packets dropped because the buffer was full.</summary>
        public uint Dropped;

        /// <summary>Packets dropped by the interface.</summary>
        public uint InterfaceDropped;
    }

    /// <summary><c>struct bpf_program</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct BpfProgram
    {
        /// <summary>Number of instructions.</summary>
        public uint Length;

        /// <summary>The instructions (owned by libpcap; freed with <see cref="FreeCode"/>).</summary>
        public nint Instructions;
    }

    /// <summary><c>struct pcap_pkthdr</c> on 64-bit Linux: a 16-byte <c>timeval</c>, then caplen and len.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PcapPacketHeader
    {
        /// <summary>Seconds.</summary>
        public long Seconds;

        /// <summary>Microseconds, or nanoseconds on a nanosecond-precision handle.</summary>
        public long Fraction;

        /// <summary>Bytes captured.</summary>
        public uint CaptureLength;

        /// <summary>Length on the wire.</summary>
        public uint Length;
    }
}
