namespace Cpworker.Tests.Support;

/// <summary>
/// A network namespace built like a pod's sandbox: a named netns (<c>ip netns add NAME</c>) whose
/// interface is called <c>eth0</c> inside, joined by a veth pair to the test's namespace, with
/// addresses from 198.19.0.0/16 (benchmarking range). Two sandboxes of one test may have the same
/// name one after the other (re-creation); each gets its own host-side veth and /30. Disposing
/// removes both, also when the test failed.
/// </summary>
internal sealed class PodSandbox : IDisposable
{
    private static int s_counter;
    private bool _disposed;

    /// <summary>Creates namespace <paramref name="name"/> (removing a leftover of that name first).</summary>
    public PodSandbox(string name)
    {
        int n = Interlocked.Increment(ref s_counter);
        int pid = Environment.ProcessId;
        Name = name;
        HostVeth = $"cpp{pid % 100000:x}{n:x}";
        string inner = $"cpq{pid % 100000:x}{n:x}";
        int block = (pid * 64 + n) % 16384;
        HostAddress = $"198.19.{block / 64}.{(block % 64 * 4) + 1}";
        NsAddress = $"198.19.{block / 64}.{(block % 64 * 4) + 2}";
        try
        {
            Run.Command("ip", $"link del {HostVeth}", 10_000);
            Run.Command("ip", $"netns del {Name}", 10_000);
            Run.Checked("ip", $"netns add {Name}");
            Run.Checked("ip", $"link add {HostVeth} type veth peer name {inner}");
            Run.Checked("ip", $"link set {inner} netns {Name}");
            Run.Checked("ip", $"-n {Name} link set {inner} name eth0");
            Run.Checked("ip", $"addr add {HostAddress}/30 dev {HostVeth}");
            Run.Checked("ip", $"link set {HostVeth} up");
            Run.Checked("ip", $"-n {Name} addr add {NsAddress}/30 dev eth0");
            Run.Checked("ip", $"-n {Name} link set eth0 up");
            Run.Checked("ip", $"-n {Name} link set lo up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Namespace name; its file is <see cref="Path"/>.</summary>
    public string Name { get; }

    /// <summary>The C-compatible <c>netns</c> path.</summary>
    public string Path => $"/var/run/netns/{Name}";

    /// <summary>The veth end in the test's namespace.</summary>
    public string HostVeth { get; }

    /// <summary>Address of <see cref="HostVeth"/>.</summary>
    public string HostAddress { get; }

    /// <summary>Address of <c>eth0</c> inside.</summary>
    public string NsAddress { get; }

    /// <summary>
    /// <c>ip netns del</c> only: the name goes, but a capture handle opened inside keeps the
    /// namespace and its <c>eth0</c> alive (the dead namespace a capture must not stay in).
    /// </summary>
    public void DeleteName() => Run.Checked("ip", $"netns del {Name}");

    /// <summary>Deletes the namespace and the veth pair, as a pod's removal would.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Run.Command("ip", $"link del {HostVeth}", 10_000);
        Run.Command("ip", $"netns del {Name}", 10_000);
    }
}
