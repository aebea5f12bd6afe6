using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using static Cpworker.Tests.Classification.DirectionFrames;

namespace Cpworker.Tests.Classification;

/// <summary><c>auto</c> direction by the capture interface's MAC, and what the factory makes of each <c>req_pattern</c>.</summary>
[TestFixture]
public sealed class AutoDirectionClassifierTests
{
    private const string Own = "02:42:ac:11:00:02";

    private static IEnumerable<TestCaseData> Frames()
    {
        static TestCaseData Case(string name, byte[] frame, PacketDirection expected) =>
            new TestCaseData(frame, expected).SetArgDisplayNames(name);

        byte[] ip = V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000));
        yield return Case("sent by the interface", Ether(ip, source: Own), PacketDirection.Outgoing);
        yield return Case("received", Ether(ip, source: "02:42:ac:11:00:03", destination: Own), PacketDirection.Incoming);
        yield return Case("neither (promiscuous)", Ether(ip), PacketDirection.Incoming);
        yield return Case("differs in the last byte", Ether(ip, source: "02:42:ac:11:00:12"), PacketDirection.Incoming);
        yield return Case("differs in the first byte", Ether(ip, source: "03:42:ac:11:00:02"), PacketDirection.Incoming);
        yield return Case("non-ip frame sent", Ether(new byte[28], 0x0806, Own), PacketDirection.Outgoing);
        yield return Case("bare ethernet header", Ether([], 0x0800, Own), PacketDirection.Outgoing);
        yield return Case("13 bytes", Ether([], 0x0800, Own)[..13], PacketDirection.Unknown);
        yield return Case("empty", [], PacketDirection.Unknown);
    }

    [TestCaseSource(nameof(Frames))]
    public void Direction_follows_the_source_mac(byte[] frame, PacketDirection expected)
    {
        var nics = new FakeInterfaces().With("eth0", Own, "10.0.0.1");
        IDirectionClassifier? classifier = DirectionClassifierFactory.Create(new AutoDirectionConfig(), "eth0", nics.Resolve);
        Assert.That(classifier, Is.InstanceOf<AutoDirectionClassifier>());
        Assert.That(classifier!.Classify(frame), Is.EqualTo(expected));
        Assert.That(nics.Lookups, Is.EqualTo(new[] { "eth0" }));
    }

    [Test]
    public void No_req_pattern_means_no_classifier()
    {
        var nics = new FakeInterfaces();
        Assert.That(DirectionClassifierFactory.Create(null, "eth0", nics.Resolve), Is.Null);
        Assert.That(nics.Lookups, Is.Empty);
    }

    private static IEnumerable<TestCaseData> Failures()
    {
        static TestCaseData Case(string name, DirectionConfig config, string? captureInterface, string message) =>
            new TestCaseData(config, captureInterface, message).SetArgDisplayNames(name);

        yield return Case("auto, interface missing", new AutoDirectionConfig(), "eth7",
            "req_pattern auto: capture interface \"eth7\" not found");
        yield return Case("auto, interface without mac", new AutoDirectionConfig(), "tun0",
            "req_pattern auto: interface \"tun0\" has no Ethernet MAC address");
        yield return Case("auto, infiniband-sized mac", new AutoDirectionConfig(), "ib0",
            "req_pattern auto: interface \"ib0\" has no Ethernet MAC address");
        yield return Case("auto, no capture interface", new AutoDirectionConfig(), null,
            "req_pattern auto needs a capture interface (its MAC address decides the direction); this task captures from none");
        yield return Case("custom, nic missing", new CustomDirectionConfig("host nic.eth7"), "eth0",
            "req_pattern: interface \"eth7\" (nic.eth7) not found");
        yield return Case("custom, syntax error", new CustomDirectionConfig("port 80x"), "eth0",
            "req_pattern.custom.pattern: at 6: expected a port number after \"port\", found \"80x\"");
    }

    [TestCaseSource(nameof(Failures))]
    public void Unusable_req_pattern_is_a_capture_error_that_names_the_problem(DirectionConfig config, string? captureInterface, string message)
    {
        var nics = new FakeInterfaces()
            .With("eth0", Own, "10.0.0.1")
            .With("tun0", null, "10.8.0.1")
            .With("ib0", "80:00:00:48:fe:80:00:00:00:00:00:00:00:02:c9:03:00:0a:bc:01", "10.9.0.1");
        var e = Assert.Throws<DirectionPatternException>(() => DirectionClassifierFactory.Create(config, captureInterface, nics.Resolve));
        Assert.That(e!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Custom_pattern_resolves_nic_references_through_the_callback()
    {
        var nics = new FakeInterfaces().With("eth1", null, "172.16.0.9", "fd00::9");
        IDirectionClassifier classifier = CustomDirectionClassifierTests.Create("host nic.eth1 and port 443", nics);

        Assert.That(nics.Lookups, Is.EqualTo(new[] { "eth1" }));
        Assert.That(classifier.Classify(Ether(V4("172.16.0.9", "10.0.0.2", Tcp6, Tcp(443, 5000)))), Is.EqualTo(PacketDirection.Outgoing));
        Assert.That(classifier.Classify(Ether(V6("fd00::1", "fd00::9", Tcp6, Tcp(5000, 443)))), Is.EqualTo(PacketDirection.Incoming));
        Assert.That(classifier.Classify(Ether(V4("172.16.0.8", "10.0.0.2", Tcp6, Tcp(443, 5000)))), Is.EqualTo(PacketDirection.Unknown));
    }
}
