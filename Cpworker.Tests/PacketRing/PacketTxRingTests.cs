using Cpworker.Outputs.PacketRing;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.PacketRing;

/// <summary>
/// The AF_PACKET TX ring on a real veth pair: frames written into the ring arrive on the peer
/// (captured by tcpdump in the test namespace) byte for byte and in order, also when many more
/// frames are sent than the ring has slots (slots reused only once the kernel gave them back).
/// </summary>
[NonParallelizable]
public sealed unsafe class PacketTxRingTests
{
    /// <summary>An Ethernet frame to <paramref name="destination"/> with the local experimental EtherType and a numbered payload.</summary>
    private static byte[] Frame(byte[] destination, int number, int length)
    {
        byte[] f = new byte[length];
        new Random(number).NextBytes(f);
        destination.CopyTo(f, 0);
        f[6] = 0x02; // locally administered unicast source
        f[12] = 0x88;
        f[13] = 0xB5; // local experimental EtherType: nothing in the stack interprets it
        f[14] = (byte)(number >> 8);
        f[15] = (byte)number;
        return f;
    }

    private static byte[] Mac(string text) => Convert.FromHexString(text.Replace(":", "", StringComparison.Ordinal));

    private static void Write(PacketTxRing ring, byte[] frame)
    {
        byte* slot = ring.TryAcquire();
        Assert.That(slot is not null, "a slot is free");
        frame.CopyTo(new Span<byte>(slot, ring.MaxFrameLength));
        ring.Commit(frame.Length);
    }

    [Test]
    public void FramesWrittenIntoTheRingArriveOnThePeerByteForByte()
    {
        using var ns = new TestNetns();
        byte[] peer = Mac(ns.MacOf(ns.NsVeth));
        using var capture = new Tcpdump(ns.NsVeth, "ether proto 0x88b5", netns: ns.Name);
        var frames = Enumerable.Range(0, 40).Select(i => Frame(peer, i, 60 + (i * 37 % 1400))).ToList();

        using var ring = PacketTxRing.Open(ns.HostVeth, frameSize: 2048, frameCount: 64);
        Assert.That(ring.CopiesIntoSkb, Is.True, "PACKET_VNET_HDR: the kernel copies each frame into the skb");
        Assert.That(ring.MaxFrameLength, Is.EqualTo(1500 + 18), "the veth's MTU + Ethernet header + VLAN tag, below the slot's 2048 - 42");
        foreach (byte[] f in frames)
        {
            Write(ring, f);
        }

        Assert.That(ring.InFlight, Is.EqualTo(frames.Count), "committed frames are the kernel's until sent");
        Assert.That(ring.Kick(out int errno), Is.True, $"kick: errno {errno}");
        Assert.That(Run.Until(() => ring.Reclaim() >= 0 && ring.InFlight == 0, 5_000), Is.True, "the kernel gives every slot back");

        List<byte[]> received = capture.WaitFor(frames.Count);
        Assert.That(received.Select(f => NetTest.Hex(f)), Is.EqualTo(frames.Select(f => NetTest.Hex(f))));
    }

    [Test]
    public void ManyMoreFramesThanSlotsArriveInOrderWhenSlotsAreReclaimed()
    {
        using var ns = new TestNetns();
        byte[] peer = Mac(ns.MacOf(ns.NsVeth));
        using var capture = new Tcpdump(ns.NsVeth, "ether proto 0x88b5", netns: ns.Name);
        using var ring = PacketTxRing.Open(ns.HostVeth, frameSize: 2048, frameCount: 32);
        const int total = 2_000;
        var sent = new List<byte[]>(total);
        int waits = 0;
        for (int i = 0; i < total; i++)
        {
            byte[] f = Frame(peer, i, 64 + (i % 200));
            byte* slot = ring.TryAcquire();
            if (slot is null)
            {
                ring.Kick(out _); // committed frames are only released once sent
                waits++;
                Assert.That(ring.WaitForRoom(2_000), Is.True, $"a slot comes back (frame {i})");
                slot = ring.TryAcquire();
                Assert.That(slot is not null, "a slot is free after WaitForRoom");
            }

            f.CopyTo(new Span<byte>(slot, ring.MaxFrameLength));
            ring.Commit(f.Length);
            sent.Add(f);
        }

        ring.Kick(out _);
        Assert.That(Run.Until(() => ring.Reclaim() >= 0 && ring.InFlight == 0, 5_000), Is.True);
        Assert.That(ring.FrameCount, Is.EqualTo(32));
        Assert.That(waits, Is.GreaterThanOrEqualTo((total / 32) - 1), "every slot was reused many times");
        List<byte[]> received = capture.WaitFor(total);
        Assert.That(received, Has.Count.EqualTo(total), $"ring was full {waits} times");
        for (int i = 0; i < total; i++)
        {
            Assert.That(NetTest.Hex(received[i]), Is.EqualTo(NetTest.Hex(sent[i])), $"frame {i}");
        }
    }

    [Test]
    public void CommitRefusesAFrameLongerThanASlotAndAcquireNeedsACommitInBetween()
    {
        using var ns = new TestNetns();
        using var ring = PacketTxRing.Open(ns.HostVeth, frameSize: 2048, frameCount: 32);
        byte* slot = ring.TryAcquire();
        Assert.That(slot is not null);
        Assert.That(() => ring.TryAcquire(), Throws.InvalidOperationException);
        Assert.That(() => ring.Commit(2048 - 31), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => ring.Commit(1500 + 18 + 1), Throws.InstanceOf<ArgumentOutOfRangeException>(), "longer than the device takes");
        Assert.That(() => PacketTxRing.Open("cpw-no-such-if", 2048, 32), Throws.InstanceOf<IOException>().With.Message.Contains("cpw-no-such-if"));
        Assert.That(() => PacketTxRing.Open(ns.HostVeth, 3000, 32), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
