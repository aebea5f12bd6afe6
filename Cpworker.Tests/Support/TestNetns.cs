namespace Cpworker.Tests.Support;

/// <summary>
/// A network namespace made for one test, joined to the test's own namespace by a veth pair:
/// <c>HostVeth</c> (<see cref="HostAddress"/>) here, <c>NsVeth</c> (<see cref="NsAddress"/>)
/// inside. Names are unique per instance so that runs never collide; disposing removes both,
/// also when the test failed.
/// </summary>
internal sealed class TestNetns : IDisposable
{
    private static int s_counter;
    private bool _disposed;

    /// <summary>Creates the namespace and the veth pair, addressed from a /30 of 198.18.x.y/16 unique to this instance.</summary>
    public TestNetns()
    {
        int n = Interlocked.Increment(ref s_counter);
        int pid = Environment.ProcessId;
        string tag = $"{pid % 100000:x}{n:x}";
        Name = $"cpwt-{tag}";
        HostVeth = $"cph{tag}";
        NsVeth = $"cpn{tag}";
        // 198.18.<a>.<b>/30 (the benchmarking range, RFC 2544) from pid and counter: unique enough for parallel runs on one machine.
        int block = (pid * 64 + n) % 16384;
        int a = block / 64;
        int b = (block % 64) * 4;
        HostAddress = $"198.18.{a}.{b + 1}";
        NsAddress = $"198.18.{a}.{b + 2}";
        try
        {
            RemoveLeftovers();
            Run.Checked("ip", $"netns add {Name}");
            Run.Checked("ip", $"link add {HostVeth} type veth peer name {NsVeth}");
            Run.Checked("ip", $"link set {NsVeth} netns {Name}");
            Run.Checked("ip", $"addr add {HostAddress}/30 dev {HostVeth}");
            Run.Checked("ip", $"link set {HostVeth} up");
            Exec($"ip addr add {NsAddress}/30 dev {NsVeth}");
            Exec($"ip link set {NsVeth} up");
            Exec("ip link set lo up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Namespace name (<c>ip netns exec NAME …</c>).</summary>
    public string Name { get; }

    /// <summary>Path for cpworker's <c>netns</c> key.</summary>
    public string Path => $"/var/run/netns/{Name}";

    /// <summary>The veth end in the test's own namespace.</summary>
    public string HostVeth { get; }

    /// <summary>The veth end inside the namespace.</summary>
    public string NsVeth { get; }

    /// <summary>Address of <see cref="HostVeth"/>.</summary>
    public string HostAddress { get; }

    /// <summary>Address of <see cref="NsVeth"/>.</summary>
    public string NsAddress { get; }

    /// <summary>Runs a command inside the namespace; throws when it fails.</summary>
    public string Exec(string commandLine, int timeoutMs = 20_000) =>
        Run.Checked("ip", $"netns exec {Name} {commandLine}", timeoutMs);

    /// <summary>The MAC address of an interface inside the namespace.</summary>
    public string MacOf(string device) =>
        Exec($"cat /sys/class/net/{device}/address").Trim();

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        RemoveLeftovers();
    }

    private void RemoveLeftovers()
    {
        Run.Command("ip", $"link del {HostVeth}", 10_000);
        Run.Command("ip", $"netns del {Name}", 10_000);
    }
}
