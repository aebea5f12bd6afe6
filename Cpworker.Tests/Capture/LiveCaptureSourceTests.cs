using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Capture;

/// <summary>
/// Live capture inside a test namespace. Each test body runs on its own dedicated thread: the
/// source enters the namespace with setns on the calling thread, which must never be a pool thread.
/// </summary>
[Category(TestCategories.Root)]
[TestFixture(LibpcapReader.Libpcap)]
[TestFixture(LibpcapReader.Ring)]
public partial class LiveCaptureSourceTests
{
    private const int WantedPort = 5000;
    private const int GuardedPort = 9999;

    private readonly LibpcapReader _reader;

    /// <summary>Every test runs against libpcap's reader and against the ring reader.</summary>
    public LiveCaptureSourceTests(LibpcapReader reader) => _reader = reader;

    private PacketSource NewSource(LibpcapCaptureConfig config, string? loopGuard) => _reader == LibpcapReader.Ring
        ? new RingCaptureSource(config, loopGuard, new ListLogger(), "live")
        : new LiveCaptureSource(config, loopGuard, new ListLogger(), "live");

    private static int LinkTypeOf(PacketSource source) => source is LiveCaptureSource live ? live.LinkType : RingCaptureSource.LinkType;

    private static bool NanosecondsOf(PacketSource source) => source is LiveCaptureSource live ? live.NanosecondTimestamps : RingCaptureSource.NanosecondTimestamps;

    [TestCase(0)]
    [TestCase(3)]
    public void CapturesWhatTheFilterKeepsInsideTheNamespace(int timeoutMs)
    {
        using var ns = new TestNetns();
        var config = Config(ns, ns.NsVeth, $"udp and dst host nic.{ns.NsVeth}", timeoutMs);
        OnOwnThread(() =>
        {
            string before = CurrentNamespace();
            using var source = NewSource(config, $"udp dst port {GuardedPort}");
            source.Open();
            Assert.That(CurrentNamespace(), Is.EqualTo(before), "Open leaves the namespace");
            Assert.That(LinkTypeOf(source), Is.EqualTo(LinkTypeNormalizer.Ethernet));
            Assert.That(source.MaxFrameLength, Is.EqualTo(2048));
            Assert.That(NanosecondsOf(source), Is.True, "Linux offers nanosecond timestamps");

            using Socket sender = Sender(ns);
            var sent = new List<string>();
            for (int i = 0; i < 40; i++)
            {
                sent.Add(Send(sender, ns, WantedPort, $"wanted-{i}"));
                Send(sender, ns, GuardedPort, $"guarded-{i}");
            }

            List<Datagram> seen = CaptureUntil(source, d => d.Count(x => x.Payload.StartsWith("wanted-")) >= sent.Count);

            Assert.That(seen.Where(d => d.Port == WantedPort).Select(d => d.Payload), Is.EqualTo(sent));
            Assert.That(seen.Where(d => d.Port != WantedPort), Is.Empty, "the loop guard and the bpf exclude the rest");
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
            Assert.That(seen.Select(d => d.TimestampNanos), Is.All.InRange(now - 60_000_000_000, now + 1_000_000_000));
            Assert.That(source.ReadKernelStats(), Is.EqualTo(new KernelCaptureStats(0, 0)));
        });
    }

    [Test]
    public void SetFilterAppliesAtOnceOnTheOpenHandle()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using var source = NewSource(Config(ns, ns.NsVeth, "udp", 3), $"udp dst port {GuardedPort}");
            source.Open();
            using Socket sender = Sender(ns);
            Send(sender, ns, WantedPort, "before");
            Send(sender, ns, GuardedPort, "guarded");
            Assert.That(CaptureUntil(source, d => d.Any(x => x.Payload == "before")).Select(d => d.Payload), Is.EqualTo(new[] { "before" }));

            source.SetFilter($"udp dst port {GuardedPort}");
            Send(sender, ns, WantedPort, "now excluded");
            Send(sender, ns, GuardedPort, "now wanted");
            Assert.That(CaptureUntil(source, d => d.Any(x => x.Payload == "now wanted")).Select(d => d.Payload), Is.EqualTo(new[] { "now wanted" }));

            Assert.Throws<CaptureException>(() => source.SetFilter("udp portt 1"));
        });
    }

    [Test]
    public void AnyInterfaceFramesAreNormalisedToEthernet()
    {
        Assume.That(_reader, Is.EqualTo(LibpcapReader.Libpcap), "the ring reader captures Ethernet interfaces only (auto picks libpcap for \"any\")");
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using var source = new LiveCaptureSource(Config(ns, "any", "udp", 3), null, new ListLogger(), "live");
            source.Open();
            Assert.That(source.LinkType, Is.AnyOf(LinkTypeNormalizer.LinuxSll, LinkTypeNormalizer.LinuxSll2));
            Assert.That(source.MaxFrameLength, Is.EqualTo(2048 + 14));

            using Socket sender = Sender(ns);
            Send(sender, ns, WantedPort, "cooked");

            List<Datagram> seen = CaptureUntil(source, d => d.Any(x => x.Payload == "cooked"));
            Assert.That(seen.Single(d => d.Payload == "cooked").Frame[..12], Is.All.EqualTo(0), "zero MACs");
        });
    }

    [Test]
    public void RemovingTheInterfaceMakesFillThrow()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using var source = NewSource(Config(ns, ns.NsVeth, null, 3), null);
            source.Open();
            var batch = new PacketBatch(256 * 1024, 1024);
            source.Fill(batch, 10);

            Run.Checked("ip", $"link del {ns.HostVeth}");

            var sw = Stopwatch.StartNew();
            CaptureException? error = null;
            while (error is null && sw.ElapsedMilliseconds < 10_000)
            {
                try
                {
                    source.Fill(batch, 50);
                    batch.Reset();
                }
                catch (CaptureException ex)
                {
                    error = ex;
                }
            }

            Assert.That(error, Is.Not.Null, "Fill kept running on a removed interface");
            Assert.That(error!.Message, Does.Contain(ns.NsVeth));
            TestContext.Out.WriteLine($"after {sw.ElapsedMilliseconds} ms: {error.Message}");
        });
    }

    [Test]
    public void AMissingInterfaceIsNamed()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using var source = NewSource(Config(ns, "cpwnosuch0", null, 3), null);
            var ex = Assert.Throws<CaptureException>(source.Open);
            Assert.That(ex!.Message, Does.Contain("cpwnosuch0").And.Contain(ns.Path));
            TestContext.Out.WriteLine(ex.Message);
        });
    }

    [Test]
    public void AMissingNicInTheBpfIsNamed()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            // The host side exists in our namespace, not in the task's: nic. names resolve in the task's.
            using var source = NewSource(Config(ns, ns.NsVeth, $"host nic.{ns.HostVeth}", 3), null);
            var ex = Assert.Throws<CaptureException>(source.Open);
            Assert.That(ex!.Message, Does.Contain(ns.HostVeth));
            Assert.That(source.ResolveInterface(ns.NsVeth)!.Addresses, Has.Some.EqualTo(IPAddress.Parse(ns.NsAddress)));
            Assert.That(source.ResolveInterface(ns.HostVeth), Is.Null);
        });
    }

    [Test]
    public void FillAllocatesNothingPerPacket()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using var source = NewSource(Config(ns, ns.NsVeth, "udp", 3), null);
            source.Open();
            var batch = new PacketBatch(256 * 1024, 1024);
            using Socket sender = Sender(ns);
            Send(sender, ns, WantedPort, "warm-up");
            CaptureUntil(source, d => d.Count > 0);

            const int count = 20_000;
            var sending = new Thread(() =>
            {
                byte[] payload = new byte[200];
                SocketAddress to = new IPEndPoint(IPAddress.Parse(ns.NsAddress), WantedPort).Serialize();
                for (int i = 0; i < count; i++)
                {
                    sender.SendTo(payload, SocketFlags.None, to);
                }
            });
            for (int i = 0; i < 20; i++)
            {
                source.Fill(batch, 1);
                batch.Reset();
            }

            long packets = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            sending.Start();
            var sw = Stopwatch.StartNew();
            while (packets < count / 2 && sw.ElapsedMilliseconds < 20_000)
            {
                source.Fill(batch, 50);
                packets += batch.Count;
                batch.Reset();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            sending.Join();
            Assert.That(packets, Is.GreaterThanOrEqualTo(count / 2));
            Assert.That(allocated, Is.LessThan(2048), $"{allocated} bytes for {packets} packets");
            TestContext.Out.WriteLine($"live: {allocated} bytes allocated for {packets} packets");
        });
    }

    private LibpcapCaptureConfig Config(TestNetns ns, string device, string? bpf, int timeoutMs) => new()
    {
        Reader = _reader,
        Interface = device,
        Netns = ns.Path,
        Bpf = bpf,
        Snaplen = 2048,
        BufferSizeMb = 4,
        TimeoutMs = timeoutMs,
    };

    private static Socket Sender(TestNetns ns)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Parse(ns.HostAddress), 0));
        return s;
    }

    private static string Send(Socket sender, TestNetns ns, int port, string payload)
    {
        sender.SendTo(Encoding.ASCII.GetBytes(payload), new IPEndPoint(IPAddress.Parse(ns.NsAddress), port));
        return payload;
    }

    private sealed record Datagram(int Port, string Payload, long TimestampNanos, byte[] Frame);

    /// <summary>Fills until <paramref name="done"/> holds for the UDP datagrams seen (10 s at most).</summary>
    private static List<Datagram> CaptureUntil(PacketSource source, Func<List<Datagram>, bool> done)
    {
        var batch = new PacketBatch(256 * 1024, 1024);
        var seen = new List<Datagram>();
        var sw = Stopwatch.StartNew();
        while (!done(seen) && sw.ElapsedMilliseconds < 10_000)
        {
            source.Fill(batch, 50);
            for (int i = 0; i < batch.Count; i++)
            {
                ReadOnlySpan<byte> f = batch.Frame(i);
                Assert.That(BinaryPrimitives.ReadUInt16BigEndian(f[12..]), Is.EqualTo(0x0800), "IPv4 over Ethernet");
                int ip = 14;
                Assert.That(f[ip + 9], Is.EqualTo(17), "UDP");
                int udp = ip + (f[ip] & 0x0F) * 4;
                int port = BinaryPrimitives.ReadUInt16BigEndian(f[(udp + 2)..]);
                seen.Add(new Datagram(port, Encoding.ASCII.GetString(f[(udp + 8)..]), batch[i].TimestampNanos, f.ToArray()));
            }

            batch.Reset();
        }

        return seen;
    }

    private static string CurrentNamespace() => File.ResolveLinkTarget("/proc/thread-self/ns/net", false)!.ToString();

    private static void OnOwnThread(Action body)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        })
        {
            IsBackground = true,
            Name = "live-capture-test",
        };
        thread.Start();
        Assert.That(thread.Join(60_000), Is.True, "the test thread overran");
        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
        }
    }
}
