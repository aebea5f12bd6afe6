using System.Buffers.Binary;
using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Network;

namespace Cpworker.Tests.Recv;

/// <summary>The decoders undo exactly what the encoders write: the wire-format vectors and encoder round trips.</summary>
public sealed class DecoderTests
{
    private static readonly byte[] s_frameA = NetTest.Bytes(WireVectors.DocGreNoTagDir2[16..]);

    private static byte[] FrameB()
    {
        byte[] b = new byte[96];
        NetTest.Bytes("aabbccddeeff1122334455660800450000541234400040060000" + "0a0000010a000002").CopyTo(b, 0);
        return b;
    }

    [Test]
    public void Gre_vectors_decode_to_their_tag_direction_and_frame()
    {
        byte[] doc = NetTest.Bytes(WireVectors.DocGreNoTagDir2);
        Assert.That(GreDecoder.Decode(doc, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Direction, f.Tag, f.TimestampNanos), Is.EqualTo((PacketDirection.Unknown, 0xFFFFFFFFu, DecodedFrame.NoTimestamp)), "no service tag: the key is all ones");
        Assert.That(f.In(doc).ToArray(), Is.EqualTo(s_frameA));

        byte[] tagged = [.. NetTest.Bytes(WireVectors.GreTag34Dir1Header), .. s_frameA];
        Assert.That(GreDecoder.Decode(tagged, out f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Direction, f.Tag), Is.EqualTo((PacketDirection.Incoming, 34u)));
    }

    [TestCase(0u, PacketDirection.NotChecked)]
    [TestCase(0x1A2u, PacketDirection.Incoming)]
    [TestCase(0x0FFFFFFFu, PacketDirection.Outgoing)]
    public void Gre_round_trip_through_the_encoder(uint tag, PacketDirection direction)
    {
        byte[] frame = FrameB();
        byte[] d = new byte[200];
        int n = GreFormat.Write(d, frame, tag, direction);
        Assert.That(GreDecoder.Decode(d.AsSpan(0, n), out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Direction, f.Tag, f.Length), Is.EqualTo((direction, tag, frame.Length)));
        Assert.That(f.In(d.AsSpan(0, n)).ToArray(), Is.EqualTo(frame));
    }

    [Test]
    public void Gre_over_ipv4_skips_the_ip_header_and_its_options()
    {
        byte[] gre = NetTest.Bytes(WireVectors.DocGreNoTagDir2);
        byte[] ip = new byte[24 + gre.Length];
        ip[0] = 0x46; // IHL 6: one option word
        gre.CopyTo(ip, 24);
        Assert.That(GreDecoder.DecodeIpv4(ip, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That(f.In(ip).ToArray(), Is.EqualTo(s_frameA));
    }

    [TestCase("2001655800000000", "WrongVersion")]
    [TestCase("0000655800000000", "BadFlags")]
    [TestCase("6000655800000000", "BadFlags")]
    [TestCase("2000080000000000", "WrongProtocol")]
    [TestCase("20006558", "Truncated")]
    [TestCase("2000", "Truncated")]
    public void Gre_that_is_not_ours_is_refused(string header, string status)
    {
        var expected = Enum.Parse<DecodeStatus>(status);
        byte[] d = header.Length > 8 ? [.. NetTest.Bytes(header), .. s_frameA] : NetTest.Bytes(header);
        Assert.That(GreDecoder.Decode(d, out _), Is.EqualTo(expected));
    }

    [TestCase(WireVectors.VxlanVni1x1A2Dir0, 0x1A2u, PacketDirection.NotChecked)]
    [TestCase(WireVectors.VxlanVni1x1A2Dir1, 0x1A2u, PacketDirection.Incoming)]
    [TestCase(WireVectors.VxlanVni1x1A2Dir2, 0x1A2u, PacketDirection.Outgoing)]
    [TestCase(WireVectors.VxlanVni1xFFFFFFDir1, 0xFFFu, PacketDirection.Incoming)]
    [TestCase(WireVectors.VxlanVni1x123456Dir1, 0x456u, PacketDirection.Incoming)]
    public void Vxlan_vni1_vectors_decode(string header, uint tag, PacketDirection direction)
    {
        byte[] d = [.. NetTest.Bytes(header), .. FrameB()];
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni1, captureTime: false, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Tag, f.Direction), Is.EqualTo((tag, direction)), "vni1 directed tags carry the low 12 bits");
        Assert.That(f.In(d).ToArray(), Is.EqualTo(FrameB()));
        d[7] ^= 1;
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni1, false, out _), Is.EqualTo(DecodeStatus.BadCheckByte));
    }

    [TestCase(WireVectors.VxlanVni2Dir0, PacketDirection.NotChecked)]
    [TestCase(WireVectors.VxlanVni2Dir1, PacketDirection.Incoming)]
    [TestCase(WireVectors.VxlanVni2Dir2, PacketDirection.Outgoing)]
    public void Vxlan_vni2_vectors_decode(string header, PacketDirection direction)
    {
        byte[] d = [.. NetTest.Bytes(header), .. FrameB()];
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni2, false, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Tag, f.Direction), Is.EqualTo((0xDF024u, direction)));
        d[7] |= 3;
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni2, false, out _), Is.EqualTo(DecodeStatus.BadField));
    }

    [Test]
    public void Vxlan_capture_time_trailer_and_short_frame_vectors_decode()
    {
        byte[] d = [.. NetTest.Bytes(WireVectors.VxlanCaptureTimeHeader), .. s_frameA, .. NetTest.Bytes(WireVectors.VxlanCaptureTimeTrailer)];
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni1, captureTime: true, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Tag, f.Direction, f.TimestampNanos), Is.EqualTo((291u, PacketDirection.Outgoing, 1_700_000_000_123_456_789L)));
        Assert.That(f.In(d).ToArray(), Is.EqualTo(s_frameA));

        byte[] shortOne = NetTest.Bytes(WireVectors.DocShortFrameVxlan);
        Assert.That(VxlanDecoder.Decode(shortOne, VxlanTagLayout.Vni1, false, out f), Is.EqualTo(DecodeStatus.Ok), "the check byte covers zero padding");
        Assert.That(f.In(shortOne).ToArray(), Is.EqualTo(NetTest.Bytes(WireVectors.DocShortFrame)));

        byte[] vni33 = NetTest.Bytes(WireVectors.DocVxlanVni2Vni33Dir1);
        Assert.That(VxlanDecoder.Decode(vni33, VxlanTagLayout.Vni2, false, out f), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((f.Tag, f.Direction), Is.EqualTo((33u << 8, PacketDirection.Incoming)));
    }

    [Test]
    public void Vxlan_round_trip_through_the_encoder_for_every_length_layout_and_direction()
    {
        byte[] buffer = new byte[2000];
        var random = new Random(7);
        foreach (VniKind kind in new[] { VniKind.Vni1, VniKind.Vni2 })
        {
            for (int length = 14; length < 120; length++)
            {
                byte[] frame = new byte[length];
                random.NextBytes(frame);
                foreach (PacketDirection dir in new[] { PacketDirection.NotChecked, PacketDirection.Incoming, PacketDirection.Outgoing })
                {
                    foreach (bool time in new[] { false, true })
                    {
                        uint vni = kind == VniKind.Vni2 ? 0xDF024u : 0x7A2u;
                        long ts = 1_700_000_000_000_000_000 + length * 1_000_003L;
                        int n = VxlanFormat.Write(buffer, frame, kind, vni, dir, time, ts);
                        var layout = kind == VniKind.Vni2 ? VxlanTagLayout.Vni2 : VxlanTagLayout.Vni1;
                        Assert.That(VxlanDecoder.Decode(buffer.AsSpan(0, n), layout, time, out DecodedFrame f), Is.EqualTo(DecodeStatus.Ok), $"{kind} {length} {dir} {time}");
                        Assert.That((f.Tag, f.Direction), Is.EqualTo((vni, dir)));
                        Assert.That(f.TimestampNanos, Is.EqualTo(time ? ts : DecodedFrame.NoTimestamp));
                        Assert.That(f.In(buffer.AsSpan(0, n)).ToArray(), Is.EqualTo(frame));
                    }
                }
            }
        }
    }

    [TestCase("0c000000000df024", "BadFlags")]
    [TestCase("08000001000df024", "BadFlags")]
    [TestCase("080000", "Truncated")]
    public void Vxlan_that_is_not_ours_is_refused(string header, string status)
    {
        var expected = Enum.Parse<DecodeStatus>(status);
        byte[] d = header.Length == 16 ? [.. NetTest.Bytes(header), .. FrameB()] : NetTest.Bytes(header);
        Assert.That(VxlanDecoder.Decode(d, VxlanTagLayout.Vni2, false, out _), Is.EqualTo(expected));
        Assert.That(VxlanDecoder.Decode(NetTest.Bytes("08000000000df024" + "0000"), VxlanTagLayout.Vni2, false, out _), Is.EqualTo(DecodeStatus.Truncated), "a frame under 14 bytes");
    }

    [Test]
    public void Zmq_vectors_decode_with_the_tag_removed_and_the_ethertype_restored()
    {
        byte[] frameB = FrameB();
        byte[] message = [.. NetTest.Bytes(WireVectors.ZmqFrameBPrefix), .. frameB.AsSpan(14)];
        Assert.That(ZmqBatchReader.ReadHeader(message, out ZmqBatchHeader h), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((h.RecordCount, h.ServiceTag, h.Uuid), Is.EqualTo((1, 0u, UInt128.Zero)));
        var reader = new ZmqBatchReader(message, h);
        Assert.That(reader.Next(out ZmqRecord r), Is.True);
        Assert.That((r.Kind, r.Frame.Direction, r.Frame.TimestampNanos), Is.EqualTo((ZmqRecordKind.Frame, PacketDirection.Incoming, 0x11223344L * 1_000_000_000 + 0x55667788L * 1000)));
        Assert.That(r.Frame.In(message).ToArray(), Is.EqualTo(frameB));
        Assert.That(r.Frame.OriginalLength, Is.EqualTo(96));
        Assert.That(reader.Next(out _), Is.False);

        Assert.That(ZmqBatchReader.ReadHeader(NetTest.Bytes(WireVectors.ZmqBatchHeaderTag3), out h), Is.EqualTo(DecodeStatus.Ok));
        Assert.That((h.ServiceTag, h.UuidText()), Is.EqualTo((3u, "123e4567-e89b-12d3-a456-426614174000")));
    }

    [Test]
    public void Zmq_qinq_record_and_heartbeat_vectors()
    {
        byte[] message = [.. new byte[24], .. NetTest.Bytes(WireVectors.DocQinQRecord), .. NetTest.Bytes(WireVectors.ZmqHeartbeat5s6us)];
        ZmqFormat.WriteBatchHeader(message, 2, 0x1A2, new byte[16]);
        Assert.That(ZmqBatchReader.ReadHeader(message, out ZmqBatchHeader h), Is.EqualTo(DecodeStatus.Ok));
        var reader = new ZmqBatchReader(message, h);
        Assert.That(reader.Next(out ZmqRecord r), Is.True);
        // Sliced at the L2 stack: no L3 byte tells the EtherType, so the frame is kept with its tag.
        Assert.That((r.Kind, r.Frame.Direction, r.Frame.OriginalLength), Is.EqualTo((ZmqRecordKind.FrameWithTag, PacketDirection.Outgoing, 0x48)));
        Assert.That(reader.Next(out r), Is.True);
        Assert.That((r.Kind, r.Frame.TimestampNanos), Is.EqualTo((ZmqRecordKind.Heartbeat, 5_000_006_000L)));
        Assert.That(reader.Next(out _), Is.False);
    }

    [Test]
    public void Zmq_round_trip_through_the_encoder_with_vlan_stacks_ipv6_and_arp()
    {
        byte[] ipv4 = FrameB();
        byte[] ipv6 = new byte[80];
        ipv6[12] = 0x86;
        ipv6[13] = 0xDD;
        ipv6[14] = 0x60;
        byte[] arp = NetTest.Bytes("ffffffffffff020000000001" + "8100" + "0064" + "0806" + "0001080006040001");
        byte[] qinq = NetTest.Bytes(WireVectors.DocQinQFrame);
        byte[][] frames = [ipv4, ipv6, arp, qinq];
        byte[] message = new byte[4096];
        int at = ZmqBatchHeader.Length;
        for (int i = 0; i < frames.Length; i++)
        {
            at += ZmqFormat.WriteRecord(message.AsSpan(at), frames[i], frames[i].Length + 10, 1_700_000_000_000_000_000 + i * 1000L, (PacketDirection)(i % 3), 0xABC);
        }

        ZmqFormat.WriteBatchHeader(message, frames.Length, 0xABC, NetTest.Bytes("123e4567e89b12d3a456426614174000"));
        Span<byte> m = message.AsSpan(0, at);
        Assert.That(ZmqBatchReader.ReadHeader(m, out ZmqBatchHeader h), Is.EqualTo(DecodeStatus.Ok));
        var reader = new ZmqBatchReader(m, h);
        for (int i = 0; i < frames.Length; i++)
        {
            Assert.That(reader.Next(out ZmqRecord r), Is.True);
            Assert.That(r.Kind, Is.EqualTo(ZmqRecordKind.Frame), $"record {i}");
            Assert.That(r.Frame.In(m).ToArray(), Is.EqualTo(frames[i]), $"record {i}");
            Assert.That((r.Frame.Direction, r.Frame.Tag, r.Frame.OriginalLength, r.Frame.TimestampNanos), Is.EqualTo(((PacketDirection)(i % 3), 0xABCu, frames[i].Length + 10, 1_700_000_000_000_000_000 + i * 1000L)));
        }

        Assert.That(reader.Next(out _), Is.False);
    }

    [Test]
    public void Zmq_batches_that_are_not_ours_are_refused_and_broken_framing_ends_the_batch()
    {
        byte[] message = [.. NetTest.Bytes(WireVectors.ZmqFrameBPrefix), .. FrameB().AsSpan(14)];
        byte[] wrongVersion = (byte[])message.Clone();
        wrongVersion[1] = 3;
        Assert.That(ZmqBatchReader.ReadHeader(wrongVersion, out _), Is.EqualTo(DecodeStatus.WrongVersion));
        Assert.That(ZmqBatchReader.ReadHeader(message.AsSpan(0, 23), out _), Is.EqualTo(DecodeStatus.Truncated));

        byte[] cut = message[..^5];
        Assert.That(ZmqBatchReader.ReadHeader(cut, out ZmqBatchHeader h), Is.EqualTo(DecodeStatus.Ok));
        var reader = new ZmqBatchReader(cut, h);
        Assert.That(reader.Next(out ZmqRecord r) && r.Kind == ZmqRecordKind.Malformed && r.Status == DecodeStatus.Truncated, Is.True);
        Assert.That(reader.Next(out _), Is.False);

        byte[] extra = [.. message, 1, 2, 3];
        reader = new ZmqBatchReader(extra, h);
        Assert.That(reader.Next(out r) && r.Kind == ZmqRecordKind.Frame, Is.True, "the good record before the junk is kept");
        Assert.That(reader.Next(out r) && r.Kind == ZmqRecordKind.Malformed, Is.True, "bytes after the last record");
        Assert.That(reader.Next(out _), Is.False);

        byte[] badTag = (byte[])message.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(badTag.AsSpan(24 + 18 + 12), 0x0800);
        reader = new ZmqBatchReader(badTag, h);
        Assert.That(reader.Next(out r) && r.Kind == ZmqRecordKind.Malformed && r.Status == DecodeStatus.BadField, Is.True, "no MPLS tag");
    }
}
