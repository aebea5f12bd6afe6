using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Capture.CaptureTestFrames;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class PcapFileAllocationTests : PcapFileTestBase
{
    [TestCase(1u, null)]
    [TestCase(1u, "udp and not port 9")]
    [TestCase(113u, "udp")]
    public void FillAllocatesNothingPerPacket(uint linkType, string? bpf)
    {
        var random = new Random(1);
        var b = new PcapBuilder(linkType, snaplen: 2048);
        for (int i = 0; i < 2000; i++)
        {
            byte[] ip = Ipv4Udp(1, 2, new byte[random.Next(20, 1400)]);
            b.Add(linkType == 1 ? Ethernet(ip) : Sll(ip, 0x0800), 1_700_000_000_000_000_000 + i * 1000L);
        }

        PcapFileSource source = OpenFile(b.ToArray(), bpf: bpf, loop: 0);
        PacketBatch batch = Batch();
        for (int i = 0; i < 50; i++)
        {
            source.Fill(batch, 0);
            batch.Reset();
        }

        // The least of three windows: a one-off allocation on this thread (the test host's tiered
        // JIT promoting a method) lands in one window only, while a per-packet one shows in every
        // window, hundreds of thousands of bytes each.
        long packets = 0;
        long allocated = long.MaxValue;
        for (int window = 0; window < 3; window++)
        {
            packets = 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 400; i++)
            {
                source.Fill(batch, 0);
                packets += batch.Count;
                batch.Reset();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.That(packets, Is.GreaterThan(50_000));
        Assert.That(allocated, Is.LessThan(2048), $"{allocated} bytes for {packets} packets");
        TestContext.Out.WriteLine($"file: {allocated} bytes allocated for {packets} packets");
    }
}
