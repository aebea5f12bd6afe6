using System.Net;
using Cpworker.Engine.Capture;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class CaptureFilterTests
{
    private static readonly Dictionary<string, InterfaceInfo> s_interfaces = new()
    {
        ["eth0"] = new InterfaceInfo("eth0", null, [IPAddress.Parse("10.1.2.3")]),
        ["eth0.100"] = new InterfaceInfo("eth0.100", null, [IPAddress.Parse("10.9.9.9")]),
        ["br-x"] = new InterfaceInfo("br-x", null,
            [IPAddress.Parse("192.168.1.1"), IPAddress.Parse("fe80::1%7"), IPAddress.Parse("2001:db8::5"), IPAddress.Parse("192.168.1.1")]),
        ["dummy0"] = new InterfaceInfo("dummy0", null, []),
    };

    private static InterfaceInfo? Resolve(string name) => s_interfaces.GetValueOrDefault(name);

    [TestCase(null, null, null)]
    [TestCase("  ", "", null)]
    [TestCase("tcp port 80", null, "tcp port 80")]
    [TestCase(null, "host 10.1.1.1", "not (host 10.1.1.1)")]
    [TestCase("tcp port 80", "host 10.1.1.1 or udp port 4789", "(tcp port 80) and not (host 10.1.1.1 or udp port 4789)")]
    [TestCase("host nic.eth0", null, "host 10.1.2.3")]
    [TestCase("host nic.eth0.100 and port 53", null, "host 10.9.9.9 and port 53")]
    [TestCase("src host nic.br-x", "port 1", "(src host (192.168.1.1 or fe80::1 or 2001:db8::5)) and not (port 1)")]
    [TestCase("host nic.eth0 or host nic.br-x", null, "host 10.1.2.3 or host (192.168.1.1 or fe80::1 or 2001:db8::5)")]
    [TestCase("host sonic.example.com", null, "host sonic.example.com")]
    public void Compose(string? bpf, string? guard, string? expected)
    {
        Assert.That(CaptureFilter.Compose(bpf, guard, Resolve), Is.EqualTo(expected));
    }

    [Test]
    public void ComposedFiltersCompile()
    {
        string? filter = CaptureFilter.Compose("src host nic.br-x", "udp port 4789 and host 10.0.0.9", Resolve);
        Assert.That(BpfCompiler.Check(filter!, 2048), Is.Null);
    }

    [Test]
    public void UnknownInterfaceIsNamed()
    {
        var ex = Assert.Throws<CaptureException>(() => CaptureFilter.Compose("host nic.eth9", null, Resolve));
        Assert.That(ex!.Message, Does.Contain("nic.eth9").And.Contain("no such interface"));
    }

    [Test]
    public void InterfaceWithoutAddressIsNamed()
    {
        var ex = Assert.Throws<CaptureException>(() => CaptureFilter.Compose("host nic.dummy0", null, Resolve));
        Assert.That(ex!.Message, Does.Contain("dummy0").And.Contain("no address"));
    }

    [TestCase("tcp port 80 and host 10.0.0.1")]
    [TestCase("vlan and udp")]
    [TestCase("host nic.eth0 and port 8011")]
    [TestCase("ip6 and src net 2001:db8::/32")]
    public void CheckAcceptsValidFilters(string filter)
    {
        Assert.That(BpfCompiler.Check(filter, 2048), Is.Null);
    }

    [Test]
    public void CheckReturnsLibpcapsMessage()
    {
        string? error = BpfCompiler.Check("tcp port 80 andd host 10.0.0.1", 2048);
        Assert.That(error, Does.Contain("syntax error"));
        Assert.That(BpfCompiler.Check("port 70000", 2048), Does.Contain("70000"));
    }
}
