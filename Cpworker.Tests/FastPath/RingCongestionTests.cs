using System.Diagnostics;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.FastPath;
using Cpworker.Outputs.Vxlan;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.FastPath;

/// <summary>
/// A full ring is congestion. The veth loses its carrier (its peer goes down): the kernel keeps every
/// committed frame (the device refuses it, the slot stays the kernel's), so the ring fills. A live task
/// then drops and counts the rest; a replay waits (bounded) before it does; once the carrier is back the
/// kept frames go out and their slots are reused.
/// </summary>
[NonParallelizable]
public sealed class RingCongestionTests
{
    [TestCase(false)]
    [TestCase(true)]
    public void AFullRingDropsForALiveTaskAndMakesAReplayWaitFirst(bool replay)
    {
        using var ns = new TestNetns();
        FastPathTest.PinNeighbour(ns);
        var settings = new VxlanSettings { Host = ns.NsAddress, VniKind = VniKind.Vni2, Vni = 33 << 8, SendPath = SendPath.PacketRing };
        using var d = new FastPathTest.Driver(new VxlanOutputType(), settings, replay);
        var ring = (RingDatagramTransport)d.Transport;
        Assert.That(ring.CurrentHop, Is.Not.Null);
        ns.Exec($"ip link set {ns.NsVeth} down");
        Assert.That(Run.Until(() => Run.Checked("cat", $"/sys/class/net/{ns.HostVeth}/carrier").Trim() == "0", 5_000), Is.True, "carrier lost");

        List<byte[]> frames = FastPathTest.Frames(64, seed: 12, maxLength: 200);
        var clock = Stopwatch.StartNew();
        int batches = 0;
        while (d.Sender.FailedSends == 0 && batches < 100)
        {
            d.Send(frames);
            batches++;
        }

        TimeSpan elapsed = clock.Elapsed;
        long slots = d.Sender.RingDatagrams;
        Assert.That(d.Sender.FailedSends, Is.GreaterThan(0), "the ring filled up and the rest was dropped");
        Assert.That(slots, Is.GreaterThanOrEqualTo(128).And.LessThan(batches * 64), "the ring took what its slots hold");
        Assert.That(d.Sender.ErrorPackets, Is.EqualTo(d.Sender.FailedSends), "each dropped datagram is one error-dropped packet");
        if (replay)
        {
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(RingDatagramTransport.ReplayWait - TimeSpan.FromMilliseconds(50)), "a replay waited for slots first");
            var again = Stopwatch.StartNew();
            d.Send(frames);
            Assert.That(again.Elapsed, Is.LessThan(RingDatagramTransport.ReplayWait / 2), "but waits for a dead link once, not per buffer");
        }
        else
        {
            Assert.That(elapsed, Is.LessThan(RingDatagramTransport.ReplayWait), "a live task does not wait");
        }

        ns.Exec($"ip link set {ns.NsVeth} up");
        using var capture = new Tcpdump(ns.NsVeth, "udp dst port 4789", netns: ns.Name);
        Assert.That(Run.Until(() => Run.Checked("cat", $"/sys/class/net/{ns.HostVeth}/carrier").Trim() == "1", 5_000), Is.True, "carrier back");
        long failedBefore = d.Sender.FailedSends;
        Assert.That(
            Run.Until(() => { d.Transport.OnTick(); d.Send(frames.Take(1)); return capture.Frames().Count > 0; }, 5_000),
            Is.True,
            "kept frames and new ones go out once the carrier is back");
        Assert.That(Run.Until(() => { d.Send(frames.Take(1)); return d.Sender.FailedSends == failedBefore; }, 2_000), Is.True, "slots are free again");
    }
}
