using Cpworker.Engine.Packets;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>The VXLAN encoder (without split) against docs/wire-formats.md, "VXLAN".</summary>
public sealed class VxlanEncoderTests
{
    internal static (VxlanEncoder Encoder, RecordingLane Lane) Create(
        VniKind kind, uint vni, bool captureTime = false, int split = 0, bool recalc = false, bool ipv6 = false)
    {
        var encoder = new VxlanEncoder(kind, vni, captureTime, split, recalc, VxlanEncoder.MaxPayload(ipv6));
        var lane = new RecordingLane(DatagramBuffers.BufferBytes(70_000), DatagramBuffers.MaxMessages);
        encoder.Attach(lane);
        return (encoder, lane);
    }

    private static byte[] One(VniKind kind, uint vni, byte[] frame, PacketDirection direction, bool captureTime = false, long ts = 0)
    {
        (VxlanEncoder encoder, RecordingLane lane) = Create(kind, vni, captureTime);
        Assert.That(NetTest.Encode(encoder, frame, direction, ts), Is.True);
        encoder.EndOfBatch();
        Assert.That(lane.Datagrams, Has.Count.EqualTo(1));
        return lane.Datagrams[0];
    }

    [TestCase(0x1A2u, PacketDirection.NotChecked, WireVectors.VxlanVni1x1A2Dir0)]
    [TestCase(0x1A2u, PacketDirection.Incoming, WireVectors.VxlanVni1x1A2Dir1)]
    [TestCase(0x1A2u, PacketDirection.Outgoing, WireVectors.VxlanVni1x1A2Dir2)]
    [TestCase(0xFFFFFFu, PacketDirection.Incoming, WireVectors.VxlanVni1xFFFFFFDir1)]
    [TestCase(0x123456u, PacketDirection.Incoming, WireVectors.VxlanVni1x123456Dir1)]
    public void Vni1FrameBMatchesTheVectors(uint vni, PacketDirection direction, string header)
    {
        byte[] d = One(VniKind.Vni1, vni, TestFrames.FrameB, direction);
        Assert.That(NetTest.Hex(d), Is.EqualTo(header + NetTest.Hex(TestFrames.FrameB)));
    }

    [TestCase(PacketDirection.NotChecked, WireVectors.VxlanVni2Dir0)]
    [TestCase(PacketDirection.Incoming, WireVectors.VxlanVni2Dir1)]
    [TestCase(PacketDirection.Outgoing, WireVectors.VxlanVni2Dir2)]
    public void Vni2MatchesTheVectors(PacketDirection direction, string header)
    {
        byte[] d = One(VniKind.Vni2, 0xDF024, TestFrames.FrameB, direction);
        Assert.That(NetTest.Hex(d), Is.EqualTo(header + NetTest.Hex(TestFrames.FrameB)));
    }

    [Test]
    public void CaptureTimeTrailerMatchesTheVector()
    {
        byte[] d = One(VniKind.Vni1, 291, TestFrames.FrameA, PacketDirection.Outgoing, captureTime: true, ts: 1_700_000_000_123_456_789);
        Assert.That(
            NetTest.Hex(d),
            Is.EqualTo(WireVectors.VxlanCaptureTimeHeader + NetTest.Hex(TestFrames.FrameA) + WireVectors.VxlanCaptureTimeTrailer));
    }

    [Test]
    public void Vni2Vni33WorkedExample()
    {
        byte[] d = One(VniKind.Vni2, 33 << 8, TestFrames.FrameA, PacketDirection.Incoming);
        Assert.That(NetTest.Hex(d), Is.EqualTo(WireVectors.DocVxlanVni2Vni33Dir1));
    }

    [Test]
    public void ShortFrameIsCheckedOverZeroPadding()
    {
        byte[] frame = NetTest.Bytes(WireVectors.DocShortFrame);
        byte[] d = One(VniKind.Vni1, 7, frame, PacketDirection.Incoming);
        Assert.That(NetTest.Hex(d), Is.EqualTo(WireVectors.DocShortFrameVxlan));
    }

    /// <summary>An independent check byte: the datagram padded to 42 bytes, summed as the spec says.</summary>
    private static byte ReferenceCheckByte(byte[] datagram)
    {
        byte[] p = new byte[42];
        datagram.AsSpan(0, Math.Min(42, datagram.Length)).CopyTo(p);
        p[7] = 0;
        long s = 0x4A3B2D1C;
        for (int i = 0; i < 42; i += 2)
        {
            s += p[i] | (p[i + 1] << 8);
        }

        s = (s >> 16) + (s & 0xFFFF);
        s = (s >> 16) + (s & 0xFFFF);
        return (byte)s;
    }

    [Test]
    public void CheckByteOfEveryShortLengthUsesZeroPaddingNotStaleBytes([Range(14, 40)] int frameLength, [Values] bool captureTime)
    {
        var random = new Random(frameLength);
        byte[] frame = new byte[frameLength];
        random.NextBytes(frame);
        (VxlanEncoder encoder, RecordingLane lane) = Create(VniKind.Vni1, 0xABCDE, captureTime);

        // Fill the buffer with a long datagram first so that stale bytes lie where padding must be.
        byte[] filler = new byte[200];
        Array.Fill(filler, (byte)0xEE);
        NetTest.Encode(encoder, filler, PacketDirection.Incoming);
        NetTest.Encode(encoder, frame, PacketDirection.Incoming, 987_654_321_000);
        encoder.EndOfBatch();
        byte[] d = lane.Datagrams[1];
        Assert.That(d, Has.Length.EqualTo(8 + frameLength + (captureTime ? 8 : 0)));
        Assert.That(d[7], Is.EqualTo(ReferenceCheckByte(d)));
    }

    [TestCase(false, 65_507)]
    [TestCase(true, 65_527)]
    public void OversizedFramesAreTruncatedToOneUdpPayload(bool ipv6, int maxPayload)
    {
        var encoder = new VxlanEncoder(VniKind.Vni2, 0x100, captureTime: true, 0, false, VxlanEncoder.MaxPayload(ipv6));
        var lane = new RecordingLane(DatagramBuffers.BufferBytes(70_000), DatagramBuffers.MaxMessages);
        encoder.Attach(lane);
        byte[] frame = new byte[70_000];
        Random.Shared.NextBytes(frame);
        NetTest.Encode(encoder, frame, PacketDirection.NotChecked, 5_000_000_007);
        encoder.EndOfBatch();
        byte[] d = lane.Datagrams[0];
        Assert.That(d, Has.Length.EqualTo(maxPayload));
        Assert.That(d.AsSpan(8, maxPayload - 16).SequenceEqual(frame.AsSpan(0, maxPayload - 16)), Is.True);
        Assert.That(NetTest.Hex(d.AsSpan(maxPayload - 8)), Is.EqualTo("0000000500000007"));
    }
}
