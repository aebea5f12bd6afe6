using Cpworker.Tests.Support;
using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Vxlan;

namespace Cpworker.Tests.Network;

/// <summary>The sendmmsg transport: struct layout, real loopback sends, and error accounting with injected failures.</summary>
public sealed unsafe class DatagramTransportTests
{
    /// <summary>Refuses the datagrams whose index (over the transport's life) is in a set, with a given errno.</summary>
    private sealed class FailingTransport : DatagramTransport
    {
        private readonly Dictionary<int, int> _failures;
        private readonly int _maxPerCall;
        private int _index;

        public FailingTransport(OutputContext context, Dictionary<int, int> failures, int maxPerCall = int.MaxValue)
            : base(null, new IPEndPoint(IPAddress.Loopback, 9), DatagramBuffers.MaxMessages, context)
        {
            _failures = failures;
            _maxPerCall = maxPerCall;
        }

        public List<int> Sent { get; } = [];

        public int Calls { get; private set; }

        protected override int SendBatch(MMsgHdr* messages, int count, out int errno)
        {
            Calls++;
            if (_failures.TryGetValue(_index, out errno))
            {
                _index++;
                return -1;
            }

            // Like the kernel: send up to the next failing datagram, then report how many went out.
            int n = 0;
            while (n < count && n < _maxPerCall && !_failures.ContainsKey(_index))
            {
                Sent.Add((int)messages[n].Header.Iov->Length);
                n++;
                _index++;
            }

            errno = 0;
            return n;
        }
    }

    private static SendBuffer Buffer(params (int Length, int PacketBytes)[] datagrams)
    {
        var b = new SendBuffer(64 * 1024, DatagramBuffers.MaxMessages);
        foreach ((int length, int packetBytes) in datagrams)
        {
            b.AddMessage(length, packetBytes);
            if (packetBytes >= 0)
            {
                b.PacketCount++;
                b.PacketBytes += packetBytes;
            }
        }

        return b;
    }

    [Test]
    public void NativeStructsHaveTheKernelLayout()
    {
        Assert.That(sizeof(IoVec), Is.EqualTo(16));
        Assert.That(sizeof(MsgHdr), Is.EqualTo(56));
        Assert.That(sizeof(MMsgHdr), Is.EqualTo(64));
    }

    [TestCase(SocketInterop.EMsgSize)]
    [TestCase(SocketInterop.EConnRefused)]
    public void ARefusedDatagramIsCountedAndTheRestStillGoOut(int errno)
    {
        OutputContext context = NetTest.Context(new VxlanSettings { Host = "127.0.0.1" }, "vxlan");
        using var t = new FailingTransport(context, new() { [2] = errno, [3] = errno });
        t.Send(Buffer((100, 90), (101, 91), (102, 92), (103, 93), (104, 94)));
        Assert.That(t.Sent, Is.EqualTo(new[] { 100, 101, 104 }));
        OutputCounters.SenderSide s = context.Counters.Sender;
        Assert.That((s.ErrorPackets, s.ErrorBytes, s.FailedSends), Is.EqualTo((2L, 92L + 93L, 2L)));
    }

    [TestCase(SocketInterop.ENoBufs)]
    [TestCase(SocketInterop.EAgain)]
    public void AFullQueueDropsTheRestOfTheBufferInOneStepAndTheNextBufferIsTriedAgain(int errno)
    {
        OutputContext context = NetTest.Context(new VxlanSettings { Host = "127.0.0.1" }, "vxlan");
        using var t = new FailingTransport(context, new() { [2] = errno });
        t.Send(Buffer((100, 90), (101, 91), (102, 92), (103, 93), (104, 94)));
        Assert.That(t.Sent, Is.EqualTo(new[] { 100, 101 }), "nothing more is offered to a full queue");
        Assert.That(t.Calls, Is.EqualTo(2), "one failing call, not one per datagram");
        OutputCounters.SenderSide s = context.Counters.Sender;
        Assert.That((s.ErrorPackets, s.ErrorBytes, s.FailedSends), Is.EqualTo((3L, 92L + 93L + 94L, 3L)));

        t.Send(Buffer((105, 95), (106, 96)));
        Assert.That(t.Sent, Is.EqualTo(new[] { 100, 101, 105, 106 }), "the next buffer goes out");
    }

    [Test]
    public void ASplitPacketCountsOnceHoweverManyOfItsDatagramsFail()
    {
        OutputContext context = NetTest.Context(new VxlanSettings { Host = "127.0.0.1" }, "vxlan");
        using var t = new FailingTransport(context, new() { [1] = SocketInterop.EMsgSize, [2] = SocketInterop.EMsgSize, [5] = SocketInterop.EMsgSize });

        // Packet P (500 B) = datagrams 0,1,2; packet Q (60 B) = 3; packet R (700 B) = 4, then continues in the next buffer.
        t.Send(Buffer((300, 500), (300, -1), (300, -1), (60, 60), (400, 700)));
        // R's last datagram (index 5) fails in the next buffer; then S (80 B) is fine.
        t.Send(Buffer((400, -1), (80, 80)));
        OutputCounters.SenderSide s = context.Counters.Sender;
        Assert.That(s.FailedSends, Is.EqualTo(3));
        Assert.That(s.ErrorPackets, Is.EqualTo(2), "P once, R once (across buffers)");
        Assert.That(s.ErrorBytes, Is.EqualTo(500 + 700));
        Assert.That(t.Sent, Is.EqualTo(new[] { 300, 60, 400, 80 }));
    }

    [Test]
    public void PartialBatchesAreResumedWhereTheKernelStopped()
    {
        OutputContext context = NetTest.Context(new VxlanSettings { Host = "127.0.0.1" }, "vxlan");
        using var t = new FailingTransport(context, [], maxPerCall: 3);
        var datagrams = Enumerable.Range(0, 64).Select(i => (100 + i, 10)).ToArray();
        t.Send(Buffer(datagrams));
        Assert.That(t.Sent, Is.EqualTo(datagrams.Select(d => d.Item1)));
        Assert.That(t.Calls, Is.EqualTo(22));
        Assert.That(context.Counters.Sender.ErrorPackets, Is.Zero);
    }

    [TestCase("127.0.0.1")]
    [TestCase("::1")]
    public void SendsEveryDatagramOfABufferToARealUdpSocket(string host)
    {
        IPAddress address = IPAddress.Parse(host);
        using var receiver = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(address, 0));
        TestSockets.LargeReceiveBuffer(receiver);
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        OutputContext context = NetTest.Context(new VxlanSettings { Host = host }, "vxlan");
        using var t = new DatagramTransport(DatagramSockets.CreateUdp(destination, null, PmtuDiscovery.Do), destination, DatagramBuffers.MaxMessages, context);

        var b = new SendBuffer(256 * 1024, DatagramBuffers.MaxMessages);
        for (int i = 0; i < 64; i++)
        {
            int length = 20 + (i * 37);
            b.Free[..length].Fill((byte)i);
            b.AddMessage(length, length);
        }

        t.Send(b);
        byte[] rx = new byte[65536];
        receiver.ReceiveTimeout = 5000;
        for (int i = 0; i < 64; i++)
        {
            int n = receiver.Receive(rx);
            Assert.That(n, Is.EqualTo(20 + (i * 37)));
            Assert.That(rx.AsSpan(0, n).IndexOfAnyExcept((byte)i), Is.EqualTo(-1));
        }

        Assert.That(context.Counters.Sender.FailedSends, Is.Zero);
    }

    [Test]
    public void EmsgsizeFromTheKernelIsCountedAndSendingCarriesOn()
    {
        // IPv4 UDP cannot carry more than 65 507 bytes: the kernel refuses that datagram only.
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        OutputContext context = NetTest.Context(new VxlanSettings { Host = "127.0.0.1" }, "vxlan");
        using var t = new DatagramTransport(DatagramSockets.CreateUdp(destination, null, null), destination, DatagramBuffers.MaxMessages, context);
        var b = new SendBuffer(256 * 1024, DatagramBuffers.MaxMessages);
        b.AddMessage(100, 92);
        b.AddMessage(65_508, 65_500);
        b.AddMessage(101, 93);
        t.Send(b);
        receiver.ReceiveTimeout = 5000;
        byte[] rx = new byte[70_000];
        Assert.That(receiver.Receive(rx), Is.EqualTo(100));
        Assert.That(receiver.Receive(rx), Is.EqualTo(101));
        OutputCounters.SenderSide s = context.Counters.Sender;
        Assert.That((s.ErrorPackets, s.ErrorBytes, s.FailedSends), Is.EqualTo((1L, 65_500L, 1L)));
    }

    [Category(TestCategories.Root)]
    [Test]
    public void BindDeviceThatDoesNotExistFailsToStartWithItsName()
    {
        var ex = Assert.Throws<OutputStartException>(() =>
            DatagramSockets.CreateUdp(new IPEndPoint(IPAddress.Loopback, 4789), "cpw-nodev0", null).Dispose());
        Assert.That(ex!.Message, Does.Contain("bind_device 'cpw-nodev0'"));
        ex = Assert.Throws<OutputStartException>(() => DatagramSockets.CreateRawGre(IPAddress.Loopback, "cpw-nodev0", null).Dispose());
        Assert.That(ex!.Message, Does.Contain("bind_device 'cpw-nodev0'"));
    }

    [Category(TestCategories.Root)]
    [TestCase("127.0.0.1", (int)PmtuDiscovery.Dont, 0, 10)]
    [TestCase("127.0.0.1", (int)PmtuDiscovery.Do, 0, 10)]
    [TestCase("::1", (int)PmtuDiscovery.Want, 41, 23)]
    [TestCase("::1", (int)PmtuDiscovery.Do, 41, 23)]
    public void PmtudiscIsSetAtTheRightLevel(string host, int modeValue, int level, int option)
    {
        var mode = (PmtuDiscovery)modeValue;
        PmtudiscCheck(host, mode, level, option);
    }

    private static void PmtudiscCheck(string host, PmtuDiscovery mode, int level, int option)
    {
        IPAddress address = IPAddress.Parse(host);
        foreach (Socket s in new[]
        {
            DatagramSockets.CreateUdp(new IPEndPoint(address, 4789), "lo", mode),
            DatagramSockets.CreateRawGre(address, "lo", mode),
        })
        {
            using (s)
            {
                byte[] value = new byte[4];
                s.GetRawSocketOption(level, option, value);
                Assert.That(BitConverter.ToInt32(value), Is.EqualTo((int)mode));
                byte[] device = new byte[16];
                int n = s.GetRawSocketOption(1, 25, device);
                Assert.That(System.Text.Encoding.ASCII.GetString(device, 0, n).TrimEnd('\0'), Is.EqualTo("lo"));
            }
        }
    }
}
