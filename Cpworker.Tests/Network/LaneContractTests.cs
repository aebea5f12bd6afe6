using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Tests.Network;

/// <summary>
/// The same encoders and real transports behind each scheduler's send lane: what arrives at a real
/// receiver must equal, byte for byte and in order, what the pure encoder produces. One subclass per lane.
/// </summary>
public abstract class LaneContractTests
{
    private static int s_tag = 0x0100000 + (Environment.ProcessId % 0x10000);

    /// <summary>Wires <paramref name="parts"/> through the lane under test and returns it.</summary>
    private protected abstract ISendLane Attach(OutputParts parts);

    /// <summary>Ends the run: the encoder has flushed; the transport must have sent everything and closed.</summary>
    private protected abstract void Finish(OutputParts parts);

    /// <summary>A mix of frames: small, large, splittable TCP and UDP, VLAN-tagged.</summary>
    private static List<(byte[] Frame, PacketDirection Direction, long Ts)> Traffic()
    {
        var list = new List<(byte[], PacketDirection, long)>();
        var random = new Random(42);
        for (int i = 0; i < 300; i++)
        {
            byte[] frame = (i % 5) switch
            {
                0 => TestFrames.FrameA,
                1 => TestFrames.FrameB,
                2 => SplitFrames.Build(ipv6: i % 2 == 0, tcp: true, payloadLength: 1500 + i).Frame,
                3 => SplitFrames.Build(ipv6: false, tcp: false, payloadLength: 200 + i, vlan: true).Frame,
                _ => RandomFrame(random, 14 + random.Next(1400)),
            };
            list.Add((frame, (PacketDirection)(i % 3), 1_700_000_000_000_000_000 + (i * 1_000_123L)));
        }

        return list;
    }

    private static byte[] RandomFrame(Random random, int length)
    {
        byte[] f = new byte[length];
        random.NextBytes(f);
        f[12] = 0x08;
        f[13] = 0x00;
        return f;
    }

    /// <summary>Runs the traffic through an encoder and returns what the lane under test carried.</summary>
    private void Drive(OutputParts parts)
    {
        Attach(parts);
        int n = 0;
        foreach ((byte[] frame, PacketDirection direction, long ts) in Traffic())
        {
            Assert.That(parts.Encoder.Encode(new Packet(frame, frame.Length + 3, ts, direction)), Is.True);
            if (++n % 32 == 0)
            {
                parts.Encoder.EndOfBatch();
                parts.Encoder.OnTick();
            }
        }

        parts.Encoder.EndOfBatch();
        parts.Encoder.Flush();
        Finish(parts);
    }

    /// <summary>The same traffic through the same kind of encoder into a recording lane: the expected bytes.</summary>
    private static RecordingLane Expected(OutputEncoder encoder, int bufferBytes)
    {
        var lane = new RecordingLane(bufferBytes, DatagramBuffers.MaxMessages);
        encoder.Attach(lane);
        int n = 0;
        foreach ((byte[] frame, PacketDirection direction, long ts) in Traffic())
        {
            encoder.Encode(new Packet(frame, frame.Length + 3, ts, direction));
            if (++n % 32 == 0)
            {
                encoder.EndOfBatch();
            }
        }

        encoder.EndOfBatch();
        encoder.Flush();
        return lane;
    }

    [Test]
    public void VxlanDatagramsArriveAsEncoded()
    {
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        TestSockets.LargeReceiveBuffer(receiver);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var destination = (IPEndPoint)receiver.LocalEndPoint!;
        var settings = new VxlanSettings { Host = "127.0.0.1", Port = destination.Port, Vni = 0x1A2, CaptureTime = true, SplitMaxPayloadSize = 700, SplitRecalculateChecksum = true };
        OutputContext context = NetTest.Context(settings, "vxlan", snaplen: 4096);
        OutputParts parts = new VxlanOutputType().Create(settings, context);
        Drive(parts);

        RecordingLane expected = Expected(new VxlanEncoder(VniKind.Vni1, 0x1A2, true, 700, true, VxlanEncoder.MaxPayload(false)), parts.BufferBytes);
        receiver.ReceiveTimeout = 5000;
        byte[] rx = new byte[70_000];
        for (int i = 0; i < expected.Datagrams.Count; i++)
        {
            int n = receiver.Receive(rx);
            Assert.That(NetTest.Hex(rx.AsSpan(0, n)), Is.EqualTo(NetTest.Hex(expected.Datagrams[i])), $"datagram {i}");
        }

        Assert.That(expected.Datagrams.Count, Is.GreaterThan(300), "split produced extra datagrams");
        Assert.That(receiver.Available, Is.Zero, "nothing more arrived");
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero);
    }

    [Category(TestCategories.Root)]
    [Test]
    public void GreDatagramsArriveAsEncoded()
    {
        uint tag = (uint)Interlocked.Increment(ref s_tag) & 0x0FFFFFFF;
        using var receiver = new Socket(new SafeSocketHandle(SocketInterop.Socket(SocketInterop.AfInet, SocketInterop.SockRaw, 47), true));
        TestSockets.LargeReceiveBuffer(receiver);
        var settings = new GreSettings { Host = "127.0.0.1", ServiceTag = tag };
        OutputContext context = NetTest.Context(settings, "gre", snaplen: 4096);
        OutputParts parts = new GreOutputType().Create(settings, context);
        Drive(parts);

        RecordingLane expected = Expected(new GreEncoder(tag, GreEncoder.MaxFrame(false)), parts.BufferBytes);
        receiver.ReceiveTimeout = 5000;
        byte[] rx = new byte[70_000];
        int matched = 0;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (matched < expected.Datagrams.Count && DateTime.UtcNow < deadline)
        {
            int n = receiver.Receive(rx);
            int ihl = (rx[0] & 0x0F) * 4;
            uint key = (uint)((rx[ihl + 4] << 24) | (rx[ihl + 5] << 16) | (rx[ihl + 6] << 8) | rx[ihl + 7]);
            if ((key & 0x0FFFFFFF) != tag)
            {
                continue; // another test's GRE on this host
            }

            Assert.That(NetTest.Hex(rx.AsSpan(ihl, n - ihl)), Is.EqualTo(NetTest.Hex(expected.Datagrams[matched])), $"datagram {matched}");
            matched++;
        }

        Assert.That(matched, Is.EqualTo(300));
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero);
    }

    [Test]
    public void ZmqBatchesArriveAsEncoded()
    {
        using var pull = new PullSocket();
        int port = pull.BindRandomPort("tcp://127.0.0.1");
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = port, ServiceTag = 0x1A2 };
        OutputContext context = NetTest.Context(settings, "zmq");
        OutputParts parts = new ZmqOutputType().Create(settings, context);
        Drive(parts);
        TestContext.Out.WriteLine($"sender: {context.Counters.Sender.FailedSends} failed, {context.Counters.Sender.ErrorPackets} packets");

        RecordingLane expected = Expected(new ZmqEncoder(0x1A2, new byte[16], 0, TimeProvider.System, new OutputCounters().Packet), ZmqFormat.MaxMessageBytes);
        Assert.That(expected.Messages, Has.Count.EqualTo(1), "300 packets, one batch flushed at the end");
        for (int i = 0; i < expected.Messages.Count; i++)
        {
            Assert.That(pull.TryReceiveFrameBytes(TimeSpan.FromSeconds(10), out byte[]? message), Is.True, $"message {i} arrives");
            Assert.That(NetTest.Hex(message!), Is.EqualTo(NetTest.Hex(expected.Messages[i])));
        }

        Assert.That(context.Counters.Sender.ErrorPackets, Is.Zero);
    }
}
