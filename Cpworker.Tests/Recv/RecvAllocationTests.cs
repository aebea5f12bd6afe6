using Cpworker.Engine.Packets;
using Cpworker.Host.Recv.Decoding;
using Cpworker.Host.Recv.Output;
using Cpworker.Host.Recv.Senders;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;

namespace Cpworker.Tests.Recv;

/// <summary>The per-packet path (decode, sender lookup, pcapng write) allocates nothing in steady state.</summary>
public sealed class RecvAllocationTests
{
    [Test]
    public void Decoding_and_writing_a_packet_allocates_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("cpwr-").FullName;
        try
        {
            byte[] frame = new byte[300];
            frame[12] = 0x08;
            frame[14] = 0x45;
            byte[] datagram = new byte[400];
            int n = VxlanFormat.Write(datagram, frame, VniKind.Vni1, 0x1A2, PacketDirection.Incoming, true, 1_700_000_000_000_000_000);
            byte[] message = new byte[24 + ZmqFormat.RecordLength(frame)];
            byte[] pristine = new byte[message.Length];
            ZmqFormat.WriteBatchHeader(pristine, 1, 3, new byte[16]);
            ZmqFormat.WriteRecord(pristine.AsSpan(24), frame, frame.Length, 1_700_000_000_000_000_000, PacketDirection.Outgoing, 3);
            var table = new SenderTable("vxlan test", t => $"vni1 {t}");
            byte[] sockaddr = [2, 0, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
            using var sink = new PcapngFileSink(Path.Combine(dir, "a.pcapng"));

            void OnePacket()
            {
                VxlanDecoder.Decode(datagram.AsSpan(0, n), VxlanTagLayout.Vni1, true, out DecodedFrame f);
                SenderEntry e = table.Find(sockaddr, f.Tag, true, true);
                sink.Write(e, f.In(datagram), f.OriginalLength, f.TimestampNanos, f.Direction);
                pristine.CopyTo(message, 0);
                ZmqBatchReader.ReadHeader(message, out ZmqBatchHeader h);
                var reader = new ZmqBatchReader(message, h);
                while (reader.Next(out ZmqRecord r))
                {
                    sink.Write(table.FindBatch(h.Uuid, h.ServiceTag, true), r.Frame.In(message), r.Frame.OriginalLength, r.Frame.TimestampNanos, r.Frame.Direction);
                }
            }

            for (int i = 0; i < 10_000; i++)
            {
                OnePacket(); // JIT, first sender entries and interface blocks
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100_000; i++)
            {
                OnePacket();
            }

            Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
