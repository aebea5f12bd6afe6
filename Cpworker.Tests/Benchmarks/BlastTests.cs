using Cpworker.Benchmarks.Blast;
using Cpworker.Outputs.PacketRing;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Benchmarks;

/// <summary>
/// The <c>blast</c> generator on a real veth pair: what it reports sending arrives on the peer,
/// byte for byte and in the order of its frame set (looped), and a set rate is never exceeded by
/// more than one batch.
/// </summary>
[NonParallelizable]
public sealed class BlastTests
{
    [Test]
    public void A_paced_blast_loops_its_frames_onto_the_peer_in_order_and_never_runs_ahead_of_the_rate()
    {
        using var ns = new TestNetns();
        using var capture = new Tcpdump(ns.NsVeth, "udp dst port 5004", netns: ns.Name);
        FrameSet frames = FrameSet.MinimumSize(37); // not a divisor of the batch: the loop wraps mid-batch
        const long pps = 3_000;
        const int batch = 64;

        BlastResult result;
        using (PacketTxRing ring = PacketTxRing.Open(ns.HostVeth, frameSize: 2048, frameCount: 128))
        {
            result = new Blaster(ring, frames, batch).Run(seconds: 1, pps);
        }

        Assert.That(result.Frames, Is.GreaterThan(0).And.LessThanOrEqualTo((long)(pps * result.Seconds) + batch), result.Line());
        Assert.That(result.Bytes, Is.EqualTo(result.Frames * 60));
        List<byte[]> received = capture.WaitFor((int)result.Frames);
        Assert.That(received, Has.Count.EqualTo(result.Frames), result.Line());
        for (int i = 0; i < received.Count; i++)
        {
            int k = i % frames.Count;
            byte[] expected = frames.Data.AsSpan(frames.Offsets[k], frames.Lengths[k]).ToArray();
            Assert.That(NetTest.Hex(received[i]), Is.EqualTo(NetTest.Hex(expected)), $"frame {i}");
        }
    }

    [Test]
    public void A_capture_file_is_loaded_without_records_too_long_for_the_link()
    {
        string dir = Directory.CreateTempSubdirectory("cpw-blast-").FullName;
        try
        {
            var pcap = new PcapBuilder(snaplen: 65535);
            pcap.Add(new byte[60], 1);
            pcap.Add(new byte[1514], 2);
            pcap.Add(new byte[1515], 3);
            pcap.Add(new byte[8], 4);
            FrameSet set = FrameSet.Load(pcap.WriteTo(Path.Combine(dir, "in.pcap")), maxLength: 1514);
            Assert.That(set.Lengths, Is.EqualTo(new[] { 60, 1514 }));
            Assert.That(set.Skipped, Is.EqualTo(2));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
