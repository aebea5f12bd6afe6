using Cpworker.Engine.Packets;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>The GRE encoder against docs/wire-formats.md, "GRE".</summary>
public sealed class GreEncoderTests
{
    private static (GreEncoder Encoder, RecordingLane Lane) Create(uint serviceTag, bool ipv6 = false)
    {
        var encoder = new GreEncoder(serviceTag, GreEncoder.MaxFrame(ipv6));
        var lane = new RecordingLane(DatagramBuffers.BufferBytes(70_000), DatagramBuffers.MaxMessages);
        encoder.Attach(lane);
        return (encoder, lane);
    }

    [Test]
    public void Tag34Direction1FrameAMatchesTheVector()
    {
        (GreEncoder encoder, RecordingLane lane) = Create(34);
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Incoming), Is.True);
        encoder.EndOfBatch();
        Assert.That(lane.Datagrams, Has.Count.EqualTo(1));
        Assert.That(NetTest.Hex(lane.Datagrams[0]), Is.EqualTo(WireVectors.GreTag34Dir1Header + NetTest.Hex(TestFrames.FrameA)));
        Assert.That(lane.Submitted, Is.EqualTo(new[] { (1, 60L) }));
    }

    [Test]
    public void NoServiceTagGivesAllOnesKeyAndDirectionIsOredIn()
    {
        (GreEncoder encoder, RecordingLane lane) = Create(GreSettings.NoServiceTag);
        NetTest.Encode(encoder, TestFrames.FrameA, PacketDirection.Outgoing);
        encoder.EndOfBatch();
        Assert.That(NetTest.Hex(lane.Datagrams[0]), Is.EqualTo(WireVectors.DocGreNoTagDir2));
        Assert.That(GreFormat.Key(0x0ABCDEF0, PacketDirection.Incoming), Is.EqualTo(0x1ABCDEF0u));
        Assert.That(GreFormat.Key(0x0ABCDEF0, PacketDirection.NotChecked), Is.EqualTo(0x0ABCDEF0u));
    }

    [TestCase(false, 65_507)]
    [TestCase(true, 65_527)]
    public void FramesLongerThanOneGrePacketCarriesAreTruncated(bool ipv6, int expectedFrame)
    {
        (GreEncoder encoder, RecordingLane lane) = Create(1, ipv6);
        byte[] frame = new byte[70_000];
        Random.Shared.NextBytes(frame);
        Assert.That(NetTest.Encode(encoder, frame), Is.True);
        encoder.EndOfBatch();
        Assert.That(lane.Datagrams[0], Has.Length.EqualTo(8 + expectedFrame));
        Assert.That(lane.Datagrams[0].AsSpan(8).SequenceEqual(frame.AsSpan(0, expectedFrame)), Is.True);
        Assert.That(lane.Submitted[0], Is.EqualTo((1, 70_000L)), "the packet counts with its sliced length");
    }

    [Test]
    public void ABufferIsSubmittedWhenItsMessageTableIsFullAndAtEndOfBatch()
    {
        (GreEncoder encoder, RecordingLane lane) = Create(5);
        for (int i = 0; i < DatagramBuffers.MaxMessages + 3; i++)
        {
            NetTest.Encode(encoder, TestFrames.FrameA);
        }

        Assert.That(lane.Submitted, Has.Count.EqualTo(1), "the full buffer went out before the 65th datagram");
        encoder.EndOfBatch();
        Assert.That(lane.Submitted.Select(s => s.Packets), Is.EqualTo(new[] { 64, 3 }));
        encoder.EndOfBatch();
        Assert.That(lane.Submitted, Has.Count.EqualTo(2), "an empty buffer is not submitted");
        encoder.Flush();
        Assert.That(lane.Outstanding, Is.Zero, "flush gives the idle buffer back");
    }

    [Test]
    public void NoFreeBufferRefusesThePacket()
    {
        (GreEncoder encoder, RecordingLane lane) = Create(5);
        lane.CanRent = false;
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameA), Is.False);
        lane.CanRent = true;
        Assert.That(NetTest.Encode(encoder, TestFrames.FrameA), Is.True);
    }
}
