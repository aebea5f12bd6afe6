using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary><c>cpworker interfaces [--netns PATH]</c>: what <c>ip</c> shows, in the namespace asked for.</summary>
[CancelAfter(60_000)]
public class InterfacesCommandTests
{
    private static (int Code, string Stdout, string Stderr) Interfaces(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cpworker.Host.Cli.CommandLine.Run(["interfaces", .. args], stdout, stderr);
        TestContext.Out.WriteLine($"interfaces {string.Join(' ', args)} -> {code}\n{stdout}{stderr}");
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Inside_a_namespace_it_lists_that_namespace_s_links_with_state_type_and_addresses()
    {
        using var ns = new TestNetns();
        ns.Exec("ip link set lo down");
        var (code, stdout, stderr) = Interfaces("--netns", ns.Path);
        Assert.That((code, stderr), Is.EqualTo((0, "")));
        string[] lines = stdout.TrimEnd().Split('\n');
        string[] expected = Run.Checked("ip", $"-n {ns.Name} -o link show").Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Regex.Match(l, @"^\d+: ([^:@]+)").Groups[1].Value).ToArray();
        Assert.That(lines.Select(l => Regex.Match(l, @"^\d+\.(\S+) ").Groups[1].Value), Is.EquivalentTo(expected));
        Assert.That(lines, Has.One.Match($@"^\d+\.{ns.NsVeth} \[Up, Running\] link EN10MB \(Ethernet\) ([0-9a-f]{{2}}:){{5}}[0-9a-f]{{2}} {Regex.Escape(ns.NsAddress)}/30 fe80::"));
        Assert.That(lines, Has.One.Match(@"^\d+\.lo \[Down, Loopback\] link EN10MB \(loopback\)( |$)"));
        Assert.That(stdout, Does.Not.Contain(ns.HostVeth));
    }

    [Test]
    public void Without_a_namespace_it_lists_this_one()
    {
        using var ns = new TestNetns();
        var (code, stdout, _) = Interfaces();
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Match($@"(?m)^\d+\.{ns.HostVeth} \[Up, Running\] link EN10MB \(Ethernet\) \S+ {Regex.Escape(ns.HostAddress)}/30"));
        Assert.That(stdout, Does.Match(@"(?m)^1\.lo \[Up, Running, Loopback\] link EN10MB \(loopback\) 127\.0\.0\.1/8"));
        Assert.That(stdout, Does.Not.Contain(ns.NsVeth + " "));
    }

    [Test]
    public void A_namespace_that_does_not_exist_is_a_clear_error()
    {
        var (code, _, stderr) = Interfaces("--netns", "/var/run/netns/cpwt-no-such-ns");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Is.EqualTo("cpworker interfaces: cannot open netns /var/run/netns/cpwt-no-such-ns: it does not exist (create it with: ip netns add NAME)" + Environment.NewLine));
    }
}
