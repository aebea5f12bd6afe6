using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs.Zmq;

namespace Cpworker.Tests.Network;

/// <summary>The ZeroMQ output against a real libzmq PULL socket, and without any receiver.</summary>
[NonParallelizable]
public sealed class ZmqReceiverTests
{
    private static byte[] Frame(int sequence, int length)
    {
        byte[] f = new byte[length];
        Support.TestFrames.FrameA.AsSpan(0, 14).CopyTo(f);
        BitConverter.TryWriteBytes(f.AsSpan(14), sequence);
        return f;
    }

    [Test]
    public void EveryRecordOfASequenceArrivesInOrderByteExact()
    {
        using var receiver = new ZmqPullReceiver();
        var time = new Support.ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port, ServiceTag = 3, Uuid = Convert.FromHexString("123e4567e89b12d3a456426614174000") };
        OutputContext context = NetTest.Context(settings, "zmq", time);
        OutputParts parts = new ZmqOutputType().Create(settings, context);
        parts.Encoder.Attach(new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages));
        var expected = new RecordingLane(ZmqFormat.MaxMessageBytes, 1);
        var reference = new ZmqEncoder(3, settings.Uuid.ToArray(), 0, time, new OutputCounters().Packet);
        reference.Attach(expected);

        const int count = 6000;
        for (int i = 0; i < count; i++)
        {
            byte[] f = Frame(i, 60 + (i % 700));
            var p = new Packet(f, f.Length, 1_700_000_000_000_000_000 + (i * 1000L), (PacketDirection)(i % 3));
            Assert.That(parts.Encoder.Encode(p), Is.True);
            reference.Encode(p);
        }

        parts.Encoder.Flush();
        reference.Flush();
        parts.Transport.Close();
        Assert.That(expected.Messages, Has.Count.GreaterThan(2), "several 1 MiB batches and a final partial one");
        Assert.That(Support.Run.Until(() => receiver.Messages().Count >= expected.Messages.Count, 20_000), Is.True, "all batches arrive");
        List<byte[]> got = receiver.Messages();
        Assert.That(got.Select(m => NetTest.Hex(m)), Is.EqualTo(expected.Messages.Select(m => NetTest.Hex(m))));

        // And the records inside are the sequence, in order.
        int next = 0;
        foreach (byte[] m in got)
        {
            for (int at = 24; at < m.Length;)
            {
                int len = (m[at] << 8) | m[at + 1];
                Assert.That(BitConverter.ToInt32(m, at + 18 + 18), Is.EqualTo(next++));
                at += 18 + len;
            }
        }

        Assert.That(next, Is.EqualTo(count));
        Assert.That(context.Counters.Sender.ErrorPackets, Is.Zero);
    }

    [Test]
    public void IdleFlushDeliversASmallBatchWithinOneAndAHalfSeconds()
    {
        using var receiver = new ZmqPullReceiver();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port, HeartbeatMs = 0 };
        OutputContext context = NetTest.Context(settings, "zmq");
        OutputParts parts = new ZmqOutputType().Create(settings, context);
        parts.Encoder.Attach(new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages));
        parts.Transport.OnTick(); // the rtc thread ticks the transport: the socket connects before traffic

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 3; i++)
        {
            parts.Encoder.Encode(new Packet(Frame(i, 100), 100, 0, PacketDirection.Incoming));
        }

        parts.Encoder.EndOfBatch();
        // No more traffic: only the scheduler's 100 ms ticks.
        bool arrived = Support.Run.Until(
            () =>
            {
                parts.Encoder.OnTick();
                parts.Transport.OnTick();
                return receiver.Messages().Count > 0;
            },
            1500,
            pollMs: 100);
        Assert.That(arrived, Is.True, $"the batch arrived after {clock.ElapsedMilliseconds} ms");
        Assert.That(receiver.Messages()[0].AsSpan(2, 2).ToArray(), Is.EqualTo(new byte[] { 0, 3 }));
        parts.Encoder.Flush();
        parts.Transport.Close();
    }

    [Test]
    public void HeartbeatsReachTheReceiverWithoutTraffic()
    {
        using var receiver = new ZmqPullReceiver();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port, HeartbeatMs = 200, ServiceTag = 9 };
        OutputContext context = NetTest.Context(settings, "zmq");
        OutputParts parts = new ZmqOutputType().Create(settings, context);
        parts.Encoder.Attach(new InlineSendLane(parts.Transport, parts.BufferBytes, parts.MaxMessages));
        bool three = Support.Run.Until(
            () =>
            {
                parts.Encoder.OnTick();
                parts.Transport.OnTick();
                return receiver.Messages().Count >= 3;
            },
            5000,
            pollMs: 100);
        parts.Transport.Close();
        Assert.That(three, Is.True);
        foreach (byte[] m in receiver.Messages())
        {
            Assert.That(m, Has.Length.EqualTo(24 + 32));
            Assert.That(NetTest.Hex(m.AsSpan(0, 8)), Is.EqualTo("0002000100000009"));
            Assert.That(NetTest.Hex(m.AsSpan(24 + 18)), Is.EqualTo("000000000000000000000000ffff"));
            long seconds = (m[26] << 24) | (m[27] << 16) | (m[28] << 8) | m[29];
            Assert.That(Math.Abs(seconds - DateTimeOffset.UtcNow.ToUnixTimeSeconds()), Is.LessThan(30), "stamped with the wall clock");
        }

        Assert.That(context.Counters.Packet.HeartbeatPackets, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void WithoutAReceiverBatchesAreDroppedAndCountedSendNeverBlocksAndMemoryStaysFlat()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var settings = new ZmqSettings { Host = "127.0.0.1", Port = port, Hwm = 4 };
        OutputContext context = NetTest.Context(settings, "zmq");
        var transport = (ZmqTransport)new ZmqOutputType().Create(settings, context).Transport;
        var batch = new SendBuffer(ZmqFormat.MaxMessageBytes, 1);
        batch.Length = ZmqFormat.MaxMessageBytes;
        batch.PacketCount = 1000;
        batch.PacketBytes = 1_000_000;

        long slowest = 0;
        long memoryAfterWarmup = 0;
        long privateAfterWarmup = 0;
        var clock = new Stopwatch();
        for (int i = 0; i < 300; i++)
        {
            clock.Restart();
            transport.Send(batch);
            slowest = Math.Max(slowest, clock.ElapsedTicks);
            if (i == 49)
            {
                memoryAfterWarmup = GC.GetTotalMemory(forceFullCollection: true);
                privateAfterWarmup = Process.GetCurrentProcess().PrivateMemorySize64;
            }
        }

        long memoryAtEnd = GC.GetTotalMemory(forceFullCollection: true);
        long privateAtEnd = Process.GetCurrentProcess().PrivateMemorySize64;
        var closeClock = Stopwatch.StartNew();
        transport.Close();

        OutputCounters.SenderSide s = context.Counters.Sender;
        Assert.That(s.FailedSends, Is.InRange(300 - 20, 300 - 1), "all but the few the queue holds are dropped");
        Assert.That(s.ErrorPackets, Is.EqualTo(s.FailedSends * 1000), "a dropped batch counts all its records");
        Assert.That(s.ErrorBytes, Is.EqualTo(s.FailedSends * 1_000_000));
        Assert.That(TimeSpan.FromTicks(slowest * TimeSpan.TicksPerSecond / Stopwatch.Frequency), Is.LessThan(TimeSpan.FromMilliseconds(200)), "no send blocks");
        Assert.That(memoryAtEnd - memoryAfterWarmup, Is.LessThan(16L << 20), "managed memory flat");
        Assert.That(privateAtEnd - privateAfterWarmup, Is.LessThan(64L << 20), "process memory flat");
        Assert.That(closeClock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)), "closing without a receiver stays quick");
    }

    [TestCase(1000)]
    [TestCase(400_000)]
    [TestCase(ZmqFormat.MaxMessageBytes)]
    public void ShutdownRightAfterALargeBatchStillDeliversItWhole(int size)
    {
        // NetMQ resets the connection mid-message when its socket closes; the transport's close waits.
        using var receiver = new ZmqPullReceiver();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port };
        OutputContext context = NetTest.Context(settings, "zmq");
        OutputTransport transport = new ZmqOutputType().Create(settings, context).Transport;
        var batch = new SendBuffer(ZmqFormat.MaxMessageBytes, 1) { Length = size };
        new Random(size).NextBytes(batch.All[..size]);
        byte[] expected = batch.Written.ToArray();
        var thread = new Thread(() =>
        {
            transport.Send(batch);
            transport.Close();
        });
        thread.Start();
        Assert.That(thread.Join(10_000), Is.True);
        Assert.That(Support.Run.Until(() => receiver.Messages().Count == 1, 10_000), Is.True, "the batch arrives");
        Assert.That(receiver.Messages()[0], Is.EqualTo(expected));
    }
}
