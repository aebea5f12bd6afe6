using System.Buffers.Binary;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.Vxlan;

namespace Cpworker.Tests.Network;

/// <summary><c>split</c> of docs/wire-formats.md, "VXLAN split": chunk contents, lengths, sequence numbers and checksums.</summary>
public sealed class VxlanSplitTests
{
    private const long Timestamp = 1_700_000_000_123_456_789;

    private static (List<byte[]> Datagrams, RecordingLane Lane) Split(byte[] frame, int limit, bool recalc, bool captureTime = false, VniKind kind = VniKind.Vni1)
    {
        (VxlanEncoder encoder, RecordingLane lane) = VxlanEncoderTests.Create(kind, 0x1A2, captureTime, limit, recalc);
        Assert.That(NetTest.Encode(encoder, frame, PacketDirection.Incoming, Timestamp), Is.True);
        encoder.EndOfBatch();
        return (lane.Datagrams, lane);
    }

    [Test]
    public void ChunksCarryTheHeadersAndOnePieceOfPayloadEach(
        [Values] bool ipv6, [Values] bool tcp, [Values] bool recalc, [Values] bool captureTime)
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6, tcp, payloadLength: 2500, extensionHeaders: ipv6);
        (List<byte[]> datagrams, RecordingLane lane) = Split(b.Frame, 1000, recalc, captureTime);

        int trailer = captureTime ? 8 : 0;
        Assert.That(datagrams, Has.Count.EqualTo(3));
        Assert.That(lane.DatagramPacketBytes, Is.EqualTo(new[] { b.Frame.Length, -1, -1 }), "the packet counts once, by its first datagram");
        Assert.That(lane.Submitted, Is.EqualTo(new[] { (1, (long)b.Frame.Length) }));
        int[] sizes = [1000, 1000, 500];
        for (int i = 0; i < 3; i++)
        {
            byte[] d = datagrams[i];
            int offset = i * 1000;
            byte[] inner = d.AsSpan(8, d.Length - 8 - trailer).ToArray();
            Assert.That(inner, Has.Length.EqualTo(b.Payload + sizes[i]), $"chunk {i} length");
            Assert.That(NetTest.Hex(d.AsSpan(0, 7)), Is.EqualTo("08000000" + "1001a2"), "every datagram has its own tag");
            Assert.That(d[7], Is.EqualTo(VxlanFormat.CheckByte([.. d[..7], 0, .. d[8..]])), "and its own check byte");
            if (captureTime)
            {
                Assert.That(NetTest.Hex(d.AsSpan(d.Length - 8)), Is.EqualTo("6553f100075bcd15"), "and its own trailer");
            }

            Assert.That(inner.AsSpan(b.Payload).SequenceEqual(b.Frame.AsSpan(b.Payload + offset, sizes[i])), Is.True, $"chunk {i} payload");
            Assert.That(inner.AsSpan(0, b.L3).SequenceEqual(b.Frame.AsSpan(0, b.L3)), Is.True, "Ethernet header repeated");
            CheckLengths(b, inner, sizes[i]);
            CheckSequence(b, inner, offset);
            CheckChecksums(b, inner, recalc);
        }
    }

    private static void CheckLengths(SplitFrames.Built b, byte[] inner, int chunk)
    {
        int l4Length = inner.Length - b.L4;
        if (b.Ipv6)
        {
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(inner.AsSpan(b.L3 + 4)), Is.EqualTo(inner.Length - b.L3 - 40), "IPv6 payload length");
        }
        else
        {
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(inner.AsSpan(b.L3 + 2)), Is.EqualTo(inner.Length - b.L3), "IPv4 total length");
        }

        if (b.Protocol == 17)
        {
            Assert.That(BinaryPrimitives.ReadUInt16BigEndian(inner.AsSpan(b.L4 + 4)), Is.EqualTo(8 + chunk), "UDP length");
            Assert.That(l4Length, Is.EqualTo(8 + chunk));
        }
    }

    private static void CheckSequence(SplitFrames.Built b, byte[] inner, int offset)
    {
        if (b.Protocol == 6)
        {
            uint original = BinaryPrimitives.ReadUInt32BigEndian(b.Frame.AsSpan(b.L4 + 4));
            Assert.That(BinaryPrimitives.ReadUInt32BigEndian(inner.AsSpan(b.L4 + 4)), Is.EqualTo(unchecked(original + (uint)offset)), "TCP sequence (wraps)");
            Assert.That(inner.AsSpan(b.L4 + 8, 8).ToArray(), Is.EqualTo(b.Frame.AsSpan(b.L4 + 8, 8).ToArray()), "ack, flags, window unchanged");
            Assert.That(inner.AsSpan(b.L4 + 18, 14).ToArray(), Is.EqualTo(b.Frame.AsSpan(b.L4 + 18, 14).ToArray()), "urgent pointer, options unchanged");
        }
    }

    private static void CheckChecksums(SplitFrames.Built b, byte[] inner, bool recalc)
    {
        int at = b.Protocol == 6 ? 16 : 6;
        ushort l4Checksum = BinaryPrimitives.ReadUInt16BigEndian(inner.AsSpan(b.L4 + at));
        if (recalc)
        {
            if (!b.Ipv6)
            {
                Assert.That(ReferenceChecksum.Of(inner.AsSpan(b.L3, 20)), Is.Zero, "IPv4 header checksum verifies");
            }

            Assert.That(l4Checksum, Is.EqualTo(ReferenceChecksum.Transport(inner, b.L3, b.L4, b.Ipv6, b.Protocol, at)), "L4 checksum");
        }
        else
        {
            Assert.That(l4Checksum, Is.EqualTo(BinaryPrimitives.ReadUInt16BigEndian(b.Frame.AsSpan(b.L4 + at))), "L4 checksum left as it was");
            if (!b.Ipv6)
            {
                Assert.That(inner[b.L3 + 10], Is.EqualTo(b.Frame[b.L3 + 10]));
                Assert.That(inner[b.L3 + 11], Is.EqualTo(b.Frame[b.L3 + 11]));
            }
        }
    }

    [Test]
    public void OddChunkSizesGetCorrectChecksums([Values] bool ipv6, [Values] bool tcp, [Values(1, 3, 333, 1001)] int limit)
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6, tcp, payloadLength: 1003);
        (List<byte[]> datagrams, _) = Split(b.Frame, limit, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo((1003 + limit - 1) / limit));
        for (int i = 0; i < datagrams.Count; i++)
        {
            byte[] inner = datagrams[i].AsSpan(8).ToArray();
            CheckChecksums(b, inner, recalc: true);
            CheckSequence(b, inner, i * limit);
        }
    }

    [Test]
    public void PayloadNotOverTheLimitIsSentWhole()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: true, payloadLength: 1000);
        (List<byte[]> datagrams, _) = Split(b.Frame, 1000, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo(1));
        Assert.That(datagrams[0].AsSpan(8).SequenceEqual(b.Frame), Is.True);
    }

    [TestCase((ushort)0x2000, TestName = "IPv4 first fragment (MF) is sent whole")]
    [TestCase((ushort)0x00B9, TestName = "IPv4 later fragment (offset) is sent whole")]
    public void Ipv4FragmentsAreSentWhole(ushort fragment)
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: false, payloadLength: 3000, ipv4Fragment: fragment);
        (List<byte[]> datagrams, _) = Split(b.Frame, 500, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo(1));
        Assert.That(datagrams[0].AsSpan(8).SequenceEqual(b.Frame), Is.True);
    }

    [Test]
    public void Ipv6FragmentHeaderAndOtherProtocolsAreSentWhole()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: true, tcp: false, payloadLength: 3000);
        byte[] fragment = (byte[])b.Frame.Clone();
        fragment[b.L3 + 6] = 44;
        Assert.That(Split(fragment, 500, recalc: false).Datagrams, Has.Count.EqualTo(1));

        SplitFrames.Built v4 = SplitFrames.Build(ipv6: false, tcp: false, payloadLength: 3000);
        byte[] icmp = (byte[])v4.Frame.Clone();
        icmp[v4.L3 + 9] = 1;
        Assert.That(Split(icmp, 500, recalc: false).Datagrams, Has.Count.EqualTo(1));

        byte[] arp = (byte[])v4.Frame.Clone();
        arp[12] = 0x08;
        arp[13] = 0x06;
        Assert.That(Split(arp, 500, recalc: false).Datagrams, Has.Count.EqualTo(1));
    }

    [Test]
    public void VlanTaggedFramesAreSplitBehindTheTag()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: true, payloadLength: 1500, vlan: true);
        (List<byte[]> datagrams, _) = Split(b.Frame, 1000, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo(2));
        byte[] second = datagrams[1].AsSpan(8).ToArray();
        Assert.That(second.AsSpan(12, 4).ToArray(), Is.EqualTo(b.Frame.AsSpan(12, 4).ToArray()));
        CheckSequence(b, second, 1000);
        CheckChecksums(b, second, recalc: true);
    }

    [Test]
    public void TruncatedCaptureSplitsWhatWasCaptured()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: false, payloadLength: 3000);
        byte[] captured = b.Frame.AsSpan(0, b.Payload + 1200).ToArray();
        (List<byte[]> datagrams, _) = Split(captured, 1000, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo(2));
        Assert.That(datagrams[1], Has.Length.EqualTo(8 + b.Payload + 200));
        CheckLengths(b, datagrams[1].AsSpan(8).ToArray(), 200);
    }

    [Test]
    public void ComputedUdpChecksumZeroIsSentAsAllOnes()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: false, payloadLength: 20);
        b.Frame[b.Payload + 18] = 0;
        b.Frame[b.Payload + 19] = 0;
        byte[] chunk = Split(b.Frame, 10, recalc: true).Datagrams[1].AsSpan(8).ToArray();
        chunk[b.L4 + 6] = 0;
        chunk[b.L4 + 7] = 0;
        ushort complement = ReferenceChecksum.Of([.. chunk.AsSpan(b.L3 + 12, 8), 0, 17, 0, 18, .. chunk.AsSpan(b.L4)]);
        // Payload bytes equal to the checksum of the rest make the sum 0xFFFF: a computed checksum of 0.
        BinaryPrimitives.WriteUInt16BigEndian(b.Frame.AsSpan(b.Payload + 18), complement);
        byte[] again = Split(b.Frame, 10, recalc: true).Datagrams[1].AsSpan(8).ToArray();
        Assert.That(NetTest.Hex(again.AsSpan(b.L4 + 6, 2)), Is.EqualTo("ffff"));
    }

    [Test]
    public void APacketOfMoreChunksThanOneBufferHoldsSpansBuffersAndCountsOnce()
    {
        SplitFrames.Built b = SplitFrames.Build(ipv6: false, tcp: true, payloadLength: 1000);
        (List<byte[]> datagrams, RecordingLane lane) = Split(b.Frame, 10, recalc: true);
        Assert.That(datagrams, Has.Count.EqualTo(100));
        Assert.That(lane.Submitted.Count, Is.GreaterThanOrEqualTo(2));
        Assert.That(lane.Submitted.Sum(s => s.Packets), Is.EqualTo(1));
        Assert.That(lane.DatagramPacketBytes.Count(x => x >= 0), Is.EqualTo(1));
        for (int i = 0; i < 100; i++)
        {
            byte[] inner = datagrams[i].AsSpan(8).ToArray();
            CheckSequence(b, inner, i * 10);
            CheckChecksums(b, inner, recalc: true);
        }
    }

    [Test]
    public void PacketsOfOneBatchAfterASplitOneKeepTheirOrder()
    {
        (VxlanEncoder encoder, RecordingLane lane) = VxlanEncoderTests.Create(VniKind.Vni2, 0x100, split: 100);
        SplitFrames.Built b = SplitFrames.Build(ipv6: true, tcp: false, payloadLength: 250);
        NetTest.Encode(encoder, Support.TestFrames.FrameA);
        NetTest.Encode(encoder, b.Frame);
        NetTest.Encode(encoder, Support.TestFrames.FrameB);
        encoder.EndOfBatch();
        Assert.That(lane.DatagramPacketBytes, Is.EqualTo(new[] { 60, b.Frame.Length, -1, -1, 96 }));
        Assert.That(lane.Submitted, Is.EqualTo(new[] { (3, 60L + b.Frame.Length + 96) }));
    }
}
