using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>The flush rules and heartbeats of docs/wire-formats.md, "When a batch is sent" and "Heartbeats", driven by a manual clock.</summary>
public sealed class ZmqEncoderTests
{
    private ManualClock _time = null!;
    private OutputCounters _counters = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new ManualClock(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        _counters = new OutputCounters();
    }

    private (ZmqEncoder Encoder, RecordingLane Lane) Create(int heartbeatMs = 0, int maxMessageBytes = ZmqFormat.MaxMessageBytes)
    {
        var encoder = new ZmqEncoder(7, new byte[16], heartbeatMs, _time, _counters.Packet, maxMessageBytes);
        var lane = new RecordingLane(maxMessageBytes, 1);
        encoder.Attach(lane);
        return (encoder, lane);
    }

    private static int RecordCount(byte[] message) => (message[2] << 8) | message[3];

    /// <summary>Walks a message's records and returns their frame lengths (pkt_data_len).</summary>
    private static List<int> Records(byte[] message)
    {
        var lengths = new List<int>();
        int at = 24;
        while (at < message.Length)
        {
            int n = (message[at] << 8) | message[at + 1];
            lengths.Add(n);
            at += 18 + n;
        }

        Assert.That(at, Is.EqualTo(message.Length), "records fill the message exactly");
        Assert.That(lengths, Has.Count.EqualTo(RecordCount(message)));
        return lengths;
    }

    [Test]
    public void FlushesAt65535Records()
    {
        // 65 535 of the smallest records (36 B) take 2.25 MiB: the rule is only reachable past 1 MiB.
        (ZmqEncoder encoder, RecordingLane lane) = Create(maxMessageBytes: 4 << 20);
        byte[] frame = new byte[14];
        frame[12] = 0x08;
        for (int i = 0; i < 65_535; i++)
        {
            encoder.Encode(new Packet(frame, 14, 0, PacketDirection.Incoming));
        }

        Assert.That(lane.Messages, Has.Count.EqualTo(1), "the 65535th record flushes");
        Assert.That(RecordCount(lane.Messages[0]), Is.EqualTo(65_535));
        Assert.That(lane.Messages[0], Has.Length.EqualTo(24 + (65_535 * 36)));
        NetTest.Encode(encoder, frame);
        encoder.Flush();
        Assert.That(lane.Messages.Select(RecordCount), Is.EqualTo(new[] { 65_535, 1 }));
    }

    [Test]
    public void FlushesBeforeTheBatchWouldExceedOneMebibyte()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create();
        byte[] frame = new byte[9000];
        TestFrames.FrameB.CopyTo(frame, 0);
        int record = 18 + 9004;
        int perBatch = ((1 << 20) - 24) / record;
        for (int i = 0; i < perBatch + 1; i++)
        {
            NetTest.Encode(encoder, frame, PacketDirection.Incoming);
        }

        Assert.That(lane.Messages, Has.Count.EqualTo(1));
        Assert.That(lane.Messages[0], Has.Length.EqualTo(24 + (perBatch * record)));
        Assert.That(lane.Messages[0].Length + record, Is.GreaterThan(1 << 20), "one more record would not have fitted");
        encoder.Flush();
        Assert.That(lane.Messages.Select(RecordCount), Is.EqualTo(new[] { perBatch, 1 }));
        Assert.That(lane.Submitted.Sum(s => s.Packets), Is.EqualTo(perBatch + 1));
    }

    [Test]
    public void FlushesWhenTheFirstRecordIsOverASecondOldAlsoWithoutTraffic()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create();
        NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Incoming);
        encoder.EndOfBatch();
        _time.Advance(TimeSpan.FromMilliseconds(600));
        NetTest.Encode(encoder, TestFrames.FrameB, PacketDirection.Incoming);
        encoder.EndOfBatch();
        _time.Advance(TimeSpan.FromMilliseconds(400));
        encoder.OnTick();
        Assert.That(lane.Messages, Is.Empty, "exactly one second is not more than one second");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        encoder.OnTick();
        Assert.That(lane.Messages, Has.Count.EqualTo(1));
        Assert.That(Records(lane.Messages[0]), Is.EqualTo(new[] { 64, 100 }));

        // The age counts from the first record of the new batch.
        _time.Advance(TimeSpan.FromSeconds(5));
        NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Incoming);
        encoder.OnTick();
        Assert.That(lane.Messages, Has.Count.EqualTo(1));
        _time.Advance(TimeSpan.FromMilliseconds(1001));
        encoder.EndOfBatch();
        Assert.That(lane.Messages, Has.Count.EqualTo(2));
    }

    [Test]
    public void HeartbeatIsAppendedAndFlushedAtItsCadence()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create(heartbeatMs: 250);
        encoder.OnTick();
        Assert.That(lane.Messages, Has.Count.EqualTo(1), "the first heartbeat goes out at once");
        Assert.That(NetTest.Hex(lane.Messages[0].AsSpan(24)), Is.EqualTo("000e" + "6553f100" + "00000000" + "0000000e0000000e" + "000000000000000000000000ffff"));

        NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Outgoing);
        for (int i = 0; i < 2; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            encoder.OnTick();
        }

        Assert.That(lane.Messages, Has.Count.EqualTo(1), "200 ms: not yet");
        _time.Advance(TimeSpan.FromMilliseconds(50));
        encoder.EndOfBatch();
        Assert.That(lane.Messages, Has.Count.EqualTo(2), "250 ms: heartbeat, flushed with the pending record");
        Assert.That(Records(lane.Messages[1]), Is.EqualTo(new[] { 64, 14 }));
        Assert.That(NetTest.Hex(lane.Messages[1].AsSpan(24 + 82 + 2, 8)), Is.EqualTo("6553f100" + "0003d090"), "stamped with the current wall clock");

        // Over 10 s of 100 ms ticks: one heartbeat per 250 ms at tick granularity → every 300 ms.
        for (int i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            encoder.OnTick();
        }

        Assert.That(lane.Messages.Count - 2, Is.EqualTo(33));
        Assert.That(_counters.Packet.HeartbeatPackets, Is.EqualTo(2 + 33));
        Assert.That(lane.Submitted.Sum(s => s.Packets), Is.EqualTo(1), "heartbeats are not packets");
    }

    [Test]
    public void NoHeartbeatWhenDisabled()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create(heartbeatMs: 0);
        for (int i = 0; i < 30; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            encoder.OnTick();
        }

        Assert.That(lane.Messages, Is.Empty);
        Assert.That(lane.Outstanding, Is.Zero);
    }

    [Test]
    public void ShutdownFlushSubmitsThePartialBatchAndReturnsAnEmptyOne()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create();
        NetTest.Encode(encoder, TestFrames.FrameB, PacketDirection.Incoming);
        encoder.Flush();
        Assert.That(lane.Messages, Has.Count.EqualTo(1));
        Assert.That(lane.Outstanding, Is.Zero);

        (ZmqEncoder idle, RecordingLane idleLane) = Create(heartbeatMs: 0);
        idle.Flush();
        Assert.That(idleLane.Messages, Is.Empty);
        Assert.That(idleLane.Outstanding, Is.Zero);
    }

    [Test]
    public void IncompleteL2StackOrNoBufferIsAnErrorDropAndLeavesTheBatchIntact()
    {
        (ZmqEncoder encoder, RecordingLane lane) = Create();
        Assert.That(NetTest.Encode(encoder, NetTest.Bytes("020000000002020000000001810000"), PacketDirection.Incoming), Is.False);
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Incoming), Is.True);
        encoder.Flush();
        Assert.That(lane.Messages.Select(RecordCount), Is.EqualTo(new[] { 1 }));

        lane.CanRent = false;
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Incoming), Is.False);
    }
}
