namespace Cpworker.Engine.Capture;

/// <summary>Compiles BPF expressions without a device, to check them before anything starts.</summary>
internal static class BpfCompiler
{
    /// <summary>A documentation address (RFC 5737) standing in for <c>nic.IFNAME</c> during a syntax check.</summary>
    private const string PlaceholderAddress = "192.0.2.1";

    /// <summary>
    /// Null when <paramref name="filter"/> compiles for Ethernet with <paramref name="snaplen"/>;
    /// else libpcap's message. <c>nic.IFNAME</c> references are checked as if they were one IPv4
    /// address: the interface itself is looked up when the task starts, in its netns (and
    /// libpcap would otherwise try to resolve <c>nic.eth0</c> as a host name).
    /// </summary>
    public static string? Check(string filter, int snaplen)
    {
        string expression = CaptureFilter.NicReference().Replace(filter, PlaceholderAddress);
        string? error = OfflineBpfFilter.TryCompile(LinkTypeNormalizer.Ethernet, snaplen, expression, out OfflineBpfFilter? compiled);
        compiled?.Dispose();
        return error;
    }
}
