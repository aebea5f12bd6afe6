using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Tests.Network;

/// <summary>
/// The loop-guard filters of the network outputs (docs/loop-guard.md, "What it does"): their text, that libpcap compiles
/// them, and that on a real interface they match exactly what the output sends.
/// </summary>
[NonParallelizable]
public sealed class LoopGuardTests
{
    private static readonly OutputTypeRegistry s_registry = StandardOutputs.CreateRegistry();

    private static List<string> Filters(string type, OutputSettings settings) =>
        s_registry.TryGet(type, out OutputType? t) ? t.LoopGuardFilters(settings).ToList() : throw new InvalidOperationException(type);

    private static void AssertCompiles(string filter)
    {
        Assert.That(BpfCompiler.Check(filter, 65535), Is.Null, filter);
        (int code, string stdout, string stderr) = Run.Command("tcpdump", $"-d -i lo \"{filter}\"");
        Assert.That(code, Is.Zero, $"tcpdump -d '{filter}': {stderr}");
        Assert.That(stdout, Does.Contain("ret"), "a BPF program came out");
    }

    [Category(TestCategories.Root)]
    [TestCase("gre", "10.1.2.3", "ip proto 47 and dst host 10.1.2.3")]
    [TestCase("gre", "2001:db8::7", "ip6 proto 47 and dst host 2001:db8::7")]
    [TestCase("gre", "[::1]", "ip6 proto 47 and dst host ::1")]
    [TestCase("gre", "localhost", "ip proto 47 and dst host 127.0.0.1")]
    [TestCase("vxlan", "10.1.2.3", "udp and dst host 10.1.2.3 and dst port 4789")]
    [TestCase("vxlan", "fe80::1%1", "udp and dst host fe80::1 and dst port 4789")]
    [TestCase("zmq", "10.1.2.3", "tcp and host 10.1.2.3 and port 1234")]
    [TestCase("zmq", "::1", "tcp and host ::1 and port 1234")]
    public void FilterTextIsResolvedAndCompiles(string type, string host, string expected)
    {
        OutputSettings settings = type switch
        {
            "gre" => new GreSettings { Host = host, ServiceTag = 34 },
            "vxlan" => new VxlanSettings { Host = host, Vni = 1 },
            _ => new ZmqSettings { Host = host, Port = 1234 },
        };
        List<string> filters = Filters(type, settings);
        Assert.That(filters, Is.EqualTo(new[] { expected }));
        AssertCompiles(filters[0]);
    }

    [Test]
    public void AnUnresolvableHostContributesNothing()
    {
        Assert.That(Filters("vxlan", new VxlanSettings { Host = "cpw-no-such-host.invalid", Vni = 1 }), Is.Empty);
    }

    [Category(TestCategories.Root)]
    [Test]
    public void TheCombinedGuardOfSeveralTasksCompiles()
    {
        OutputConfig O(int i, string type, OutputSettings s) => new() { Index = i, Type = type, Settings = s };
        var tasks = new[]
        {
            new TaskConfig { Index = 0, Capturer = new PcapFileCaptureConfig { FileName = "/dev/null" }, Outputs = [O(0, "gre", new GreSettings { Host = "10.1.2.3" }), O(1, "vxlan", new VxlanSettings { Host = "::1", Port = 4790, Vni = 2 })] },
            new TaskConfig { Index = 1, Capturer = new PcapFileCaptureConfig { FileName = "/dev/null" }, Outputs = [O(0, "zmq", new ZmqSettings { Host = "127.0.0.1", Port = 5555 }), O(1, "gre", new GreSettings { Host = "10.1.2.3" })] },
        };
        string? guard = LoopGuardFilter.Build(tasks, s_registry);
        Assert.That(guard, Is.EqualTo("(ip proto 47 and dst host 10.1.2.3) or (udp and dst host ::1 and dst port 4790) or (tcp and host 127.0.0.1 and port 5555)"));
        AssertCompiles(guard!);
        AssertCompiles($"(udp port 53) and not ({guard})");
        Assert.That(BpfCompiler.Check("udp and dst host", 65535), Is.Not.Null, "the compiler does reject bad filters");
    }

    private static void SendThroughOutput(OutputType type, OutputSettings settings, int count)
    {
        OutputContext context = NetTest.Context(settings, type.Name, snaplen: 2048);
        OutputParts parts = type.Create(settings, context);
        parts.Encoder.Attach(new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages));
        for (int i = 0; i < count; i++)
        {
            parts.Encoder.Encode(new Packet(TestFrames.FrameA, 60, 0, PacketDirection.Incoming));
            parts.Encoder.EndOfBatch();
        }

        parts.Encoder.Flush();
        parts.Transport.Close();
    }

    [Category(TestCategories.Root)]
    [Test]
    public void OnTheWireTheVxlanGuardMatchesTheOutputAndNothingElse()
    {
        using var sink = new UdpCollector();
        using var decoySink = new UdpCollector();
        var settings = new VxlanSettings { Host = "127.0.0.1", Port = sink.Port, Vni = 9 };
        string guard = Filters("vxlan", settings).Single();
        using var capture = new Tcpdump("lo", guard);
        using (var decoy = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            for (int i = 0; i < 5; i++)
            {
                decoy.SendTo(new byte[100], new IPEndPoint(IPAddress.Loopback, decoySink.Port));
            }
        }

        SendThroughOutput(new VxlanOutputType(), settings, 7);
        Assert.That(Run.Until(() => sink.Count == 7 && decoySink.Count == 5, 5000), Is.True);
        capture.WaitFor(7, 3000);
        Assert.That(capture.Frames(), Has.Count.EqualTo(7), "exactly the output's datagrams");
    }

    [Category(TestCategories.Root)]
    [Test]
    public void OnTheWireTheGreGuardMatchesTheOutputAndNothingElse()
    {
        var settings = new GreSettings { Host = "127.0.0.1", ServiceTag = 0x0BADC0D };
        string guard = Filters("gre", settings).Single();
        using var capture = new Tcpdump("lo", $"{guard} and ip[27] = 0x0d"); // ignore other tests' GRE: key's low byte
        using (Socket decoy = DatagramSockets.CreateRawGre(IPAddress.Parse("127.0.0.2"), null, null))
        {
            byte[] gre = new byte[8 + 60];
            GreFormat.Write(gre, TestFrames.FrameA, 0x0BADC0D, PacketDirection.Incoming);
            for (int i = 0; i < 5; i++)
            {
                decoy.SendTo(gre, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            }
        }

        SendThroughOutput(new GreOutputType(), settings, 6);
        capture.WaitFor(6, 3000);
        Assert.That(capture.Frames(), Has.Count.EqualTo(6), "the decoys to 127.0.0.2 carry the same key and do not match");
    }

    [Category(TestCategories.Root)]
    [Test]
    public void OnTheWireTheZmqGuardMatchesBothDirectionsOfTheConnectionOnly()
    {
        using var pull = new PullSocket();
        int port = pull.BindRandomPort("tcp://127.0.0.1");
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = port };
        string guard = Filters("zmq", settings).Single();
        using var decoyListener = new TcpListener(IPAddress.Loopback, 0);
        decoyListener.Start();
        using var capture = new Tcpdump("lo", guard);
        using (var decoy = new TcpClient())
        {
            decoy.Connect((IPEndPoint)decoyListener.LocalEndpoint);
            decoy.GetStream().Write(new byte[1000]);
        }

        SendThroughOutput(new ZmqOutputType(), settings, 3);
        Assert.That(pull.TryReceiveFrameBytes(TimeSpan.FromSeconds(5), out _), Is.True);
        capture.WaitFor(6, 3000);
        List<string> ports = capture.Fields("tcp.port");
        Assert.That(ports, Is.Not.Empty);
        Assert.That(ports.All(p => p.Split(',').Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture))), Is.True, string.Join(' ', ports));
        Assert.That(ports.Any(p => p.StartsWith(port + ",", StringComparison.Ordinal)) && ports.Any(p => p.EndsWith("," + port, StringComparison.Ordinal)), Is.True, "both directions");
    }
}
