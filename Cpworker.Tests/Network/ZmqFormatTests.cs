using Cpworker.Engine.Packets;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>The ZeroMQ batch, record, tag, slice and heartbeat of docs/wire-formats.md, "ZeroMQ".</summary>
public sealed class ZmqFormatTests
{
    [TestCase(0u, PacketDirection.Incoming, WireVectors.MplsTag0Dir1)]
    [TestCase(0u, PacketDirection.Outgoing, WireVectors.MplsTag0Dir2)]
    [TestCase(0x1A2u, PacketDirection.Incoming, WireVectors.MplsTag1A2Dir1)]
    public void MplsTagMatchesTheVectors(uint tag, PacketDirection direction, string expected)
    {
        byte[] t = new byte[4];
        ZmqFormat.WriteTag(t, tag, direction);
        Assert.That(NetTest.Hex(t), Is.EqualTo(expected));
    }

    [Test]
    public void BatchHeaderMatchesTheVector()
    {
        byte[] h = new byte[24];
        byte[] uuid = Convert.FromHexString("123e4567e89b12d3a456426614174000");
        ZmqFormat.WriteBatchHeader(h, 1, 3, uuid);
        Assert.That(NetTest.Hex(h), Is.EqualTo(WireVectors.ZmqBatchHeaderTag3));
    }

    [Test]
    public void HeartbeatRecordMatchesTheVector()
    {
        byte[] r = new byte[ZmqFormat.HeartbeatRecordLength];
        Assert.That(ZmqFormat.WriteHeartbeat(r, 5_000_006_000), Is.EqualTo(32));
        Assert.That(NetTest.Hex(r), Is.EqualTo(WireVectors.ZmqHeartbeat5s6us));
    }

    [Test]
    public void FrameBMessageMatchesTheVector()
    {
        // The vector's time fields (0x55667788 µs) are no clock value: write them as given.
        byte[] m = new byte[142];
        ZmqFormat.WriteBatchHeader(m, 1, 0, new byte[16]);
        int n = ZmqFormat.WriteRecord(m.AsSpan(24), TestFrames.FrameB, 96, 0x11223344, 0x55667788, PacketDirection.Incoming, 0);
        Assert.That(24 + n, Is.EqualTo(142));
        Assert.That(NetTest.Hex(m), Is.EqualTo(WireVectors.ZmqFrameBPrefix + NetTest.Hex(TestFrames.FrameB.AsSpan(14))));
    }

    [Test]
    public void FrameBThroughTheEncoderIsOneMessageOfOneRecord()
    {
        var encoder = new ZmqEncoder(0, new byte[16], 0, TimeProvider.System, new Cpworker.Engine.Outputs.OutputCounters().Packet);
        var lane = new RecordingLane(ZmqFormat.MaxMessageBytes, 1);
        encoder.Attach(lane);
        long ts = (0x11223344L * 1_000_000_000) + 556_677_000;
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameB, PacketDirection.Incoming, ts), Is.True);
        encoder.Flush();
        Assert.That(lane.Messages, Has.Count.EqualTo(1));
        string expected = WireVectors.ZmqFrameBPrefix.Replace("1122334455667788", "11223344" + "00087e85", StringComparison.Ordinal)
            + NetTest.Hex(TestFrames.FrameB.AsSpan(14));
        Assert.That(NetTest.Hex(lane.Messages[0]), Is.EqualTo(expected));
        Assert.That(lane.Submitted, Is.EqualTo(new[] { (1, 96L) }));
    }

    [Test]
    public void QinQWorkedExampleKeepsTheWholeL2StackUnderSlice()
    {
        byte[] frame = NetTest.Bytes(WireVectors.DocQinQFrame);
        Assert.That(ZmqFormat.L2Length(frame), Is.EqualTo(22));
        int kept = ZmqFormat.SliceLength(frame, 20);
        Assert.That(kept, Is.EqualTo(22), "slice 20 < l2_len 22 keeps the stack");
        byte[] r = new byte[100];
        int n = ZmqFormat.WriteRecord(r, frame.AsSpan(0, kept), frame.Length, 1_700_000_000_250_000_000, PacketDirection.Outgoing, 0x1A2);
        Assert.That(NetTest.Hex(r.AsSpan(0, n)), Is.EqualTo(WireVectors.DocQinQRecord));
    }

    [TestCase("0800", 14)]
    [TestCase("8100 0001 0800", 18)]
    [TestCase("88a8 0001 8100 0002 86dd", 22)]
    [TestCase("9100 0001 9200 0002 8100 0003 0800", 26)]
    public void L2LengthCountsEveryTagType(string etherTypes, int expected)
    {
        byte[] frame = NetTest.Bytes("020000000002020000000001" + etherTypes + "45000014");
        Assert.That(ZmqFormat.L2Length(frame), Is.EqualTo(expected));
        byte[] r = new byte[200];
        int n = ZmqFormat.WriteRecord(r, frame, frame.Length, 0, PacketDirection.NotChecked, 0xFFF);
        Assert.That(n, Is.EqualTo(18 + frame.Length + 4));
        Assert.That(NetTest.Hex(r.AsSpan(18 + expected - 2, 6)), Is.EqualTo("8847" + "80fff1" + "ff"));
        Assert.That(r.AsSpan(18, expected - 2).SequenceEqual(frame.AsSpan(0, expected - 2)), Is.True, "tags kept in place");
        Assert.That(r.AsSpan(18 + expected + 4, frame.Length - expected).SequenceEqual(frame.AsSpan(expected)), Is.True, "payload after the tag");
    }

    [TestCase("02000000000202000000", TestName = "Ethernet header cut")]
    [TestCase("020000000002020000000001 8100 00", TestName = "VLAN tag cut")]
    [TestCase("020000000002020000000001 8100 0001 88a8", TestName = "inner EtherType cut")]
    public void IncompleteL2StackIsRefused(string hex)
    {
        byte[] frame = NetTest.Bytes(hex);
        Assert.That(ZmqFormat.L2Length(frame), Is.EqualTo(-1));
        Assert.That(ZmqFormat.WriteRecord(new byte[100], frame, 100, 0, PacketDirection.Incoming, 0), Is.EqualTo(-1));
    }

    [TestCase(0, 96, TestName = "slice 0 keeps all")]
    [TestCase(10, 14, TestName = "slice below l2_len keeps the Ethernet header")]
    [TestCase(40, 40, TestName = "slice above l2_len cuts there")]
    [TestCase(96, 96, TestName = "slice equal to caplen keeps all")]
    [TestCase(500, 96, TestName = "slice beyond caplen keeps all")]
    public void SliceNeverCutsTheL2Stack(int slice, int expected)
    {
        Assert.That(ZmqFormat.SliceLength(TestFrames.FrameB, slice), Is.EqualTo(expected));
        var encoder = new ZmqEncoder(0, new byte[16], 0, TimeProvider.System, new Cpworker.Engine.Outputs.OutputCounters().Packet);
        Assert.That(encoder.SliceLength(TestFrames.FrameB, slice), Is.EqualTo(expected));
    }

    [Test]
    public void CaplenIsCappedSoThatTheTaggedLengthFitsSixteenBits()
    {
        byte[] frame = new byte[70_000];
        TestFrames.FrameB.CopyTo(frame, 0);
        Assert.That(ZmqFormat.SliceLength(frame, 0), Is.EqualTo(65_531));
        Assert.That(ZmqFormat.SliceLength(frame, 100), Is.EqualTo(100));
        byte[] r = new byte[70_000];
        int n = ZmqFormat.WriteRecord(r, frame, 70_000, 0, PacketDirection.Incoming, 0);
        Assert.That(n, Is.EqualTo(18 + 65_535));
        Assert.That(NetTest.Hex(r.AsSpan(0, 2)), Is.EqualTo("ffff"));
        Assert.That(NetTest.Hex(r.AsSpan(10, 8)), Is.EqualTo("0000ffff" + "00011174"), "caplen' 65535, len' 70004");
    }
}
