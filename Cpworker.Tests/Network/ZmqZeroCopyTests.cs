using Cpworker.Benchmarks.Compare;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>
/// The ZMQ output hands each batch's array to NetMQ instead of copying it (docs/wire-formats.md,
/// "Delivery and loss"): the bytes a real libzmq receiver gets stay those of the encoder, and the
/// arrays come back and are reused, a fixed number of them.
/// </summary>
[NonParallelizable]
public sealed class ZmqZeroCopyTests
{
    private const int ServiceTag = 0x1A2;

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_replay_through_a_few_recycled_arrays_reaches_libzmq_byte_identical_to_the_encoder(ExecutionModel model)
    {
        // About 25 batches through hwm 2, so 4 arrays of the output's: each is reused several times
        // while the receiver (python3-zmq, writing every message to a file) is slower than the replay.
        List<(byte[] Frame, long TimestampNanos)> frames = Frames(40_000);
        using var receiver = new ZmqPullReceiver();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port, Hwm = 2, ServiceTag = ServiceTag, Uuid = Convert.FromHexString("123e4567e89b12d3a456426614174000") };
        OutputCounterSnapshot counters = await Replay(model, frames, settings);
        Assert.That(counters.ForwardedPackets, Is.EqualTo(frames.Count), counters.ToString());
        Assert.That(counters.ErrorDropPackets, Is.Zero, counters.ToString());

        // What the copying path sent: the encoder's batches as they are (docs/wire-formats.md, "ZeroMQ").
        var time = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        var reference = new RecordingLane(ZmqFormat.MaxMessageBytes, 1);
        var encoder = new ZmqEncoder(ServiceTag, settings.Uuid.ToArray(), 0, time, new OutputCounters().Packet);
        encoder.Attach(reference);
        foreach ((byte[] f, long ts) in frames)
        {
            Assert.That(encoder.Encode(new Packet(f, f.Length, ts, PacketDirection.NotChecked)), Is.True);
        }

        encoder.Flush();
        int expectedRecords = reference.Messages.Sum(m => (m[2] << 8) | m[3]);
        Assert.That(Run.Until(() => receiver.Messages().Sum(m => (m[2] << 8) | m[3]) >= expectedRecords, 30_000), Is.True, "every record arrives");
        List<byte[]> got = receiver.Messages();
        Assert.That(reference.Messages, Has.Count.GreaterThan(20), "many more batches than arrays");
        if (got.Count == reference.Messages.Count)
        {
            // The usual case: no batch was cut short by the one-second age rule on a loaded machine.
            Assert.That(got.Select(m => NetTest.Hex(m)), Is.EqualTo(reference.Messages.Select(m => NetTest.Hex(m))), $"{model}: every batch byte for byte");
        }

        foreach (byte[] m in got)
        {
            Assert.That(NetTest.Hex(m.AsSpan(4, 20)), Is.EqualTo(NetTest.Hex(reference.Messages[0].AsSpan(4, 20))), "service tag and UUID");
            Assert.That(m.AsSpan(0, 2).ToArray(), Is.EqualTo(new byte[] { 0, 2 }), "version");
            Assert.That(RecordsOf(m).Count(), Is.EqualTo((m[2] << 8) | m[3]), "the header counts the records that follow");
        }

        Assert.That(
            string.Concat(got.SelectMany(RecordsOf)),
            Is.EqualTo(string.Concat(reference.Messages.SelectMany(RecordsOf))),
            $"{model}: every record byte for byte, in order");
    }

    [Test]
    public void A_long_replay_through_the_smallest_pool_loses_nothing_and_allocates_no_batch_arrays()
    {
        // 400 batches of 1 MiB through hwm 1 (3 arrays) into the C libzmq receiver, which counts them.
        using ZmqSink? sink = ZmqSink.TryStartC(Path.Combine(Path.GetTempPath(), "cpw-test-zmq-sink"));
        Assert.That(sink, Is.Not.Null, "the C receiver builds (gcc, libzmq3-dev: ./build.sh installs them)");
        sink!.Reset();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = sink.Port, Hwm = 1 };
        OutputContext context = new()
        {
            TaskName = "test",
            Config = new OutputConfig { Type = "zmq", Settings = settings },
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            Time = TimeProvider.System,
            Counters = new OutputCounters(),
            CaptureSnaplen = 262144,
            IsReplay = true,
        };
        var transport = (ZmqTransport)new ZmqOutputType().Create(settings, context).Transport;
        Assert.That(transport.Buffers.Limit, Is.EqualTo(3));
        var buffer = new SendBuffer(ZmqFormat.MaxMessageBytes, 1);
        const int batches = 400;
        long allocatedBefore = 0;
        for (int i = 0; i < batches; i++)
        {
            if (i == 10)
            {
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            }

            Span<byte> b = buffer.All;
            b[..24].Clear();
            b[1] = 2;
            b[3] = 1; // one record, as far as the receiver's count goes
            b[24..].Fill((byte)i); // what a reused array held before is overwritten every time
            buffer.Length = ZmqFormat.MaxMessageBytes;
            buffer.PacketCount = 1;
            buffer.PacketBytes = 1000;
            transport.Send(buffer);
            buffer.Reset();
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.That(transport.Buffers.Created, Is.LessThanOrEqualTo(3), "no array beyond the limit");
        transport.Close();
        Assert.That(transport.Buffers.Outstanding, Is.Zero, "every array came back once written out");
        transport.Dispose();

        ZmqSinkStats got = sink.WaitFor(batches, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30));
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero, "a replay waits for its receiver");
        Assert.That(got.Messages, Is.EqualTo(batches));
        Assert.That(got.Bytes, Is.EqualTo((long)batches * ZmqFormat.MaxMessageBytes));
        Assert.That(allocated, Is.LessThan(8L << 20), $"{allocated} B for {batches - 10} batches of 1 MiB: no array per batch");
    }

    [Test]
    public void A_live_output_without_its_receiver_drops_once_its_queue_is_full_and_delivers_the_queue_when_the_receiver_comes()
    {
        int port = TestSockets.FreeTcpPort();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = port, Hwm = 3 };
        OutputContext context = NetTest.Context(settings, "zmq");
        var transport = (ZmqTransport)new ZmqOutputType().Create(settings, context).Transport;
        var buffer = new SendBuffer(ZmqFormat.MaxMessageBytes, 1);
        void SendOne() => SendBatch(transport, buffer, records: 10, length: 4096, packetBytes: 4000);

        for (int i = 0; i < 40; i++)
        {
            SendOne();
        }

        // Nobody listens (docs/wire-formats.md, "Delivery and loss"): the queue holds hwm batches,
        // the rest are dropped and counted, and no array beyond the output's limit was made.
        OutputCounters.SenderSide s = context.Counters.Sender;
        long queued = 40 - s.FailedSends;
        Assert.That(queued, Is.InRange(1, 5));
        Assert.That(s.ErrorPackets, Is.EqualTo(s.FailedSends * 10));
        Assert.That(transport.Buffers.Created, Is.LessThanOrEqualTo(transport.Buffers.Limit));
        Assert.That(transport.Buffers.Outstanding, Is.EqualTo(queued), "NetMQ holds the queued batches' arrays");

        // The receiver comes: the queued batches are delivered, their arrays come back, sending works again.
        using ZmqSink? sink = ZmqSink.TryStartC(Path.Combine(Path.GetTempPath(), "cpw-test-zmq-sink"), port: port);
        Assert.That(sink, Is.Not.Null, "the C receiver builds (gcc, libzmq3-dev: ./build.sh installs them)");
        Assert.That(sink!.WaitFor(queued * 10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)).Records, Is.EqualTo(queued * 10), "the queued batches arrive");
        Assert.That(Run.Until(() => transport.Buffers.Outstanding == 0, 10_000), Is.True, "their arrays came back");
        long failed = s.FailedSends;
        SendOne();
        Assert.That(s.FailedSends, Is.EqualTo(failed), "the next batch is taken");
        transport.Close();
        Assert.That(sink.WaitFor((queued + 1) * 10, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)).Records, Is.EqualTo((queued + 1) * 10));
        transport.Dispose();
    }

    [Test]
    public void A_receiver_that_goes_away_in_the_middle_of_a_batch_costs_no_array()
    {
        // NetMQ closes the message it was writing when the connection breaks: its array must come
        // back, or every broken connection would shrink the output's arrays until it only drops.
        int port = TestSockets.FreeTcpPort();
        string cache = Path.Combine(Path.GetTempPath(), "cpw-test-zmq-sink");
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = port, Hwm = 3 };
        OutputContext context = NetTest.Context(settings, "zmq");
        var transport = (ZmqTransport)new ZmqOutputType().Create(settings, context).Transport;
        var buffer = new SendBuffer(ZmqFormat.MaxMessageBytes, 1);
        void SendOne() => SendBatch(transport, buffer, records: 1, length: ZmqFormat.MaxMessageBytes, packetBytes: 1000);

        for (int round = 0; round < 3; round++)
        {
            using (ZmqSink? first = ZmqSink.TryStartC(cache, port: port))
            {
                Assert.That(first, Is.Not.Null, "the C receiver builds (gcc, libzmq3-dev: ./build.sh installs them)");
                var clock = System.Diagnostics.Stopwatch.StartNew();
                while (first!.Stats().Messages < 5 && clock.Elapsed < TimeSpan.FromSeconds(10))
                {
                    SendOne();
                }

                for (int i = 0; i < 20; i++)
                {
                    SendOne(); // batches in flight while the receiver exits
                }
            }

            Assert.That(transport.Buffers.Created, Is.LessThanOrEqualTo(transport.Buffers.Limit));
        }

        // A receiver again: what is queued arrives, every array comes back, and batches are taken.
        using ZmqSink? last = ZmqSink.TryStartC(cache, port: port);
        Assert.That(Run.Until(() => transport.Buffers.Outstanding == 0, 15_000), Is.True, $"arrays back: {transport.Buffers.Outstanding} still out");
        long failed = context.Counters.Sender.FailedSends;
        for (int i = 1; i <= 10; i++)
        {
            SendOne();
            Assert.That(Run.Until(() => transport.Buffers.Outstanding == 0, 10_000), Is.True, "written out");
        }

        Assert.That(context.Counters.Sender.FailedSends, Is.EqualTo(failed), "no batch finds the output without arrays");
        Assert.That(last!.WaitFor(long.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)).Messages, Is.GreaterThanOrEqualTo(10));
        transport.Dispose();
    }

    [Test]
    public void When_something_replaces_netmqs_buffer_pool_batches_are_copied_and_still_arrive_whole()
    {
        // A process that also runs a NetMQ receiver may install its own pool (docs/architecture.md,
        // "The packet path"): the output must notice and copy, not wait for arrays that never come back.
        using var receiver = new ZmqPullReceiver();
        var settings = new ZmqSettings { Host = "127.0.0.1", Port = receiver.Port, Hwm = 2 };
        OutputContext context = NetTest.Context(settings, "zmq");
        var transport = (ZmqTransport)new ZmqOutputType().Create(settings, context).Transport;
        var buffer = new SendBuffer(ZmqFormat.MaxMessageBytes, 1);
        var expected = new List<byte[]>();
        void SendOne(int i)
        {
            buffer.Length = 200_000 + i;
            new Random(i).NextBytes(buffer.All[..buffer.Length]);
            expected.Add(buffer.Written.ToArray());
            buffer.PacketCount = 1;
            buffer.PacketBytes = 100;
            transport.Send(buffer);
            buffer.Reset();
        }

        try
        {
            for (int i = 0; i < 5; i++)
            {
                SendOne(i);
                Assert.That(Run.Until(() => receiver.Messages().Count == i + 1, 10_000), Is.True, "sent one at a time");
            }

            Assert.That(NetMqBufferPool.IsInstalled(), Is.True);
            NetMQ.BufferPool.SetBufferManagerBufferPool(16 << 20, 2 << 20);
            Assert.That(NetMqBufferPool.IsInstalled(), Is.False);
            for (int i = 5; i < 40; i++)
            {
                SendOne(i);
                Assert.That(Run.Until(() => receiver.Messages().Count == i + 1, 10_000), Is.True, $"batch {i} arrives");
            }
        }
        finally
        {
            NetMQ.BufferPool.SetCustomBufferPool(NetMqBufferPool.Instance!);
        }

        transport.Close();
        transport.Dispose();
        Assert.That(context.Counters.Sender.FailedSends, Is.Zero, "no batch waited for an array that could not come back");
        Assert.That(receiver.Messages().Select(m => NetTest.Hex(m)), Is.EqualTo(expected.Select(m => NetTest.Hex(m))));
    }

    /// <summary>Sends one batch of <paramref name="length"/> bytes: a v2 header counting <paramref name="records"/> records, then zeros or whatever the buffer held.</summary>
    private static void SendBatch(ZmqTransport transport, SendBuffer buffer, byte records, int length, long packetBytes)
    {
        buffer.All[..24].Clear();
        buffer.All[1] = 2;
        buffer.All[3] = records;
        buffer.Length = length;
        buffer.PacketCount = records;
        buffer.PacketBytes = packetBytes;
        transport.Send(buffer);
        buffer.Reset();
    }

    private static async Task<OutputCounterSnapshot> Replay(ExecutionModel model, List<(byte[] Frame, long TimestampNanos)> frames, ZmqSettings settings)
    {
        CpworkerConfig config = ZmqReplayTests.ReplayInto(settings, model, frames);
        await using var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(60_000), Is.True, "the replay ends");
        await engine.StopAsync();
        return engine.GetStatus()[0].Outputs[0].Counters;
    }

    /// <summary>Frames of 64–1500 bytes, each with its sequence number and a pattern of it, 1 µs apart.</summary>
    private static List<(byte[] Frame, long TimestampNanos)> Frames(int count)
    {
        var frames = new List<(byte[], long)>(count);
        var random = new Random(12);
        for (int i = 0; i < count; i++)
        {
            byte[] f = new byte[random.Next(64, 1501)];
            f.AsSpan(14).Fill((byte)(i * 7));
            f[12] = 0x08;
            BitConverter.TryWriteBytes(f.AsSpan(14), i);
            frames.Add((f, 1_700_000_000_000_000_000 + i * 1000L));
        }

        return frames;
    }

    private static IEnumerable<string> RecordsOf(byte[] message)
    {
        for (int at = 24; at < message.Length;)
        {
            int len = (message[at] << 8) | message[at + 1];
            yield return NetTest.Hex(message.AsSpan(at, 18 + len));
            at += 18 + len;
        }
    }
}
