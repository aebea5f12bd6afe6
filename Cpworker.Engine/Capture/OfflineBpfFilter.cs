using System.Runtime.InteropServices;
using System.Text;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Capture;

/// <summary>
/// A BPF program compiled without a capture handle (<c>pcap_open_dead</c>) and run in user space
/// with <c>pcap_offline_filter</c>: the filter of a file replay, and the syntax check of
/// <see cref="BpfCompiler"/>.
/// </summary>
/// <remarks>
/// Owns native memory (the program); dispose it on the thread that uses it. <see cref="Matches"/>
/// allocates nothing.
/// </remarks>
internal sealed unsafe class OfflineBpfFilter : IDisposable
{
    /// <summary>The compiled program, in native memory so libpcap may keep pointers into it; null once disposed.</summary>
    private LibPcap.BpfProgram* _program;

    private OfflineBpfFilter(LibPcap.BpfProgram* program) => _program = program;

    /// <summary>
    /// Compiles <paramref name="expression"/> for link type <paramref name="dlt"/> (a DLT value).
    /// Returns null and sets <paramref name="filter"/> on success; else libpcap's error message.
    /// </summary>
    public static string? TryCompile(int dlt, int snaplen, string expression, out OfflineBpfFilter? filter)
    {
        filter = null;
        nint dead = LibPcap.OpenDead(dlt, snaplen);
        if (dead == 0)
        {
            return $"libpcap cannot compile filters for link type {dlt}";
        }

        var program = (LibPcap.BpfProgram*)NativeMemory.AllocZeroed((nuint)sizeof(LibPcap.BpfProgram));
        try
        {
            string? error = CompileOn(dead, expression, program);
            if (error is not null)
            {
                NativeMemory.Free(program);
                return error;
            }

            filter = new OfflineBpfFilter(program);
            return null;
        }
        finally
        {
            LibPcap.Close(dead);
        }
    }

    /// <summary>
    /// Compiles <paramref name="expression"/> with the pcap handle <paramref name="pcap"/> into
    /// <paramref name="program"/>. Null on success (free the code with <c>pcap_freecode</c>), else
    /// libpcap's error message.
    /// </summary>
    internal static string? CompileOn(nint pcap, string expression, LibPcap.BpfProgram* program)
    {
        byte[] text = Encoding.UTF8.GetBytes(expression + "\0");
        fixed (byte* p = text)
        {
            if (LibPcap.Compile(pcap, program, p, LibPcap.NetmaskUnknown) != 0)
            {
                return LibPcap.GetError(pcap);
            }
        }

        return null;
    }

    /// <summary>The compiled program, for a kernel socket filter (<c>SO_ATTACH_FILTER</c>); valid until disposed.</summary>
    internal LibPcap.BpfProgram* Program => _program;

    /// <summary>True when the frame at <paramref name="data"/> (as captured, before normalisation) matches.</summary>
    public bool Matches(byte* data, int captureLength, int originalLength)
    {
        LibPcap.PcapPacketHeader header = default;
        header.CaptureLength = (uint)captureLength;
        header.Length = (uint)originalLength;
        return LibPcap.OfflineFilter(_program, &header, data) != 0;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_program is null)
        {
            return;
        }

        LibPcap.FreeCode(_program);
        NativeMemory.Free(_program);
        _program = null;
    }
}
