namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// A network namespace for the live comparison, joined to ours by a veth pair: traffic replayed
/// into <see cref="NsVeth"/> inside the namespace arrives on <see cref="HostVeth"/>, where the
/// daemon captures. No addresses and no IPv6 on either end, so that the kernel sends nothing of
/// its own into the capture. Names are unique per process; disposing removes both (the logic of
/// the tests' <c>TestNetns</c>).
/// </summary>
internal sealed class BenchNetns : IDisposable
{
    private bool _disposed;

    /// <summary>Creates the namespace and the veth pair; throws naming the command that failed.</summary>
    public BenchNetns()
    {
        string tag = $"{Environment.ProcessId % 1_000_000:x}";
        Name = $"cpwb-{tag}";
        HostVeth = $"cpbh{tag}";
        NsVeth = $"cpbn{tag}";
        try
        {
            RemoveLeftovers();
            Checked("ip", "netns", "add", Name);
            Checked("ip", "link", "add", HostVeth, "type", "veth", "peer", "name", NsVeth);
            Checked("ip", "link", "set", NsVeth, "netns", Name);
            Checked("sysctl", "-q", "-w", $"net.ipv6.conf.{HostVeth}.disable_ipv6=1");
            Checked("ip", "netns", "exec", Name, "sysctl", "-q", "-w", $"net.ipv6.conf.{NsVeth}.disable_ipv6=1");
            Checked("ip", "link", "set", HostVeth, "up");
            Checked("ip", "-n", Name, "link", "set", NsVeth, "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace.</summary>
    public string Name { get; }

    /// <summary>The veth end in our namespace (the daemon captures here).</summary>
    public string HostVeth { get; }

    /// <summary>The veth end inside the namespace (tcpreplay sends here).</summary>
    public string NsVeth { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            RemoveLeftovers();
        }
    }

    private void RemoveLeftovers()
    {
        ChildProcess.Run("ip", ["link", "del", HostVeth], TimeSpan.FromSeconds(10));
        ChildProcess.Run("ip", ["netns", "del", Name], TimeSpan.FromSeconds(10));
    }

    private static void Checked(string file, params string[] args)
    {
        ChildProcess p = ChildProcess.Run(file, args, TimeSpan.FromSeconds(20));
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {p.Output}");
        }
    }
}
