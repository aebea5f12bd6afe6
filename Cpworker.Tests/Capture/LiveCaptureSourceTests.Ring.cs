using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.PacketRing;
using Cpworker.Tests.Network;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Capture;

/// <summary>What the ring reader must do like libpcap (VLAN tags) and what only it does (frames read in place).</summary>
public partial class LiveCaptureSourceTests
{
    [Test]
    public unsafe void AVlanTagTheKernelTookOffIsPutBack()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using PacketSource source = NewSource(Config(ns, ns.NsVeth, null, 3), null);
            source.Open();

            // A tagged frame leaves the host end raw; the namespace end's kernel moves the tag into metadata.
            byte[] frame = TaggedFrame(ns.MacOf(ns.NsVeth), vlanId: 7, "tagged");
            using var ring = PacketTxRing.Open(ns.HostVeth, frameSize: 2048, frameCount: 16);
            byte[]? seen = null;
            int seenLength = 0;
            var batch = new PacketBatch(256 * 1024, 1024);
            var sw = Stopwatch.StartNew();
            while (seen is null && sw.ElapsedMilliseconds < 10_000)
            {
                ring.Reclaim();
                byte* slot = ring.TryAcquire();
                if (slot is not null)
                {
                    frame.CopyTo(new Span<byte>(slot, frame.Length));
                    ring.Commit(frame.Length);
                    ring.Kick(out _);
                }

                source.Fill(batch, 50);
                for (int i = 0; i < batch.Count && seen is null; i++)
                {
                    if (batch.Frame(i).EndsWith("tagged"u8))
                    {
                        seen = batch.Frame(i).ToArray();
                        seenLength = batch[i].OriginalLength;
                    }
                }

                batch.Reset();
            }

            Assert.That(seen, Is.Not.Null, "the tagged frame was not captured");
            Assert.That(NetTest.Hex(seen!), Is.EqualTo(NetTest.Hex(frame)), "the frame as it was on the wire, tag included");
            Assert.That(seenLength, Is.EqualTo(frame.Length), "the wire length counts the tag");
        });
    }

    /// <summary>An Ethernet frame with an 802.1Q tag carrying IPv4/UDP and <paramref name="payload"/>.</summary>
    private static byte[] TaggedFrame(string destinationMac, int vlanId, string payload)
    {
        byte[] data = Encoding.ASCII.GetBytes(payload);
        var f = new byte[18 + 20 + 8 + data.Length];
        Convert.FromHexString(destinationMac.Replace(":", "", StringComparison.Ordinal)).CopyTo(f, 0);
        new byte[] { 0x02, 0, 0, 0, 0, 0x07 }.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), 0x8100);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14), (ushort)vlanId);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(16), 0x0800);
        Span<byte> ip = f.AsSpan(18);
        ip[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(20 + 8 + data.Length));
        ip[8] = 64;
        ip[9] = 17;
        new byte[] { 198, 19, 7, 1, 198, 19, 7, 2 }.CopyTo(ip[12..]);
        BinaryPrimitives.WriteUInt16BigEndian(ip[20..], 40000);
        BinaryPrimitives.WriteUInt16BigEndian(ip[22..], WantedPort);
        BinaryPrimitives.WriteUInt16BigEndian(ip[24..], (ushort)(8 + data.Length));
        data.CopyTo(ip[28..]);
        return f;
    }

    [Test]
    public void AHeldBatchKeepsItsFramesWhileTheRingMovesOnAndTheKernelDropsInstead()
    {
        Assume.That(_reader, Is.EqualTo(LibpcapReader.Ring), "only the ring reader lends ring memory to batches");
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            LibpcapCaptureConfig config = Config(ns, ns.NsVeth, "udp", 3) with { BufferSizeMb = 1 };
            using var source = new RingCaptureSource(config, null, new ListLogger(), "live");
            source.Open();
            Assert.That(source.Geometry.Blocks, Is.EqualTo(4), "1 MB: four blocks of 256 KiB");
            using Socket sender = Sender(ns);
            var held = new PacketBatch(256 * 1024, 1024);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 20; i++)
            {
                Send(sender, ns, WantedPort, $"held-{i:D4}"); // a burst: one or two blocks
            }

            while (held.Count < 20 && sw.ElapsedMilliseconds < 10_000)
            {
                source.Fill(held, 20);
            }

            Assert.That(held.Count, Is.GreaterThanOrEqualTo(20));
            string[] before = Enumerable.Range(0, held.Count).Select(i => Payload(held.Frame(i))).ToArray();

            // Several rings' worth of traffic while another batch is filled and reset: the kernel must
            // skip the held blocks (and count drops) rather than write over them.
            byte[] filler = new byte[1200];
            var other = new PacketBatch(256 * 1024, 1024);
            SocketAddress to = new IPEndPoint(IPAddress.Parse(ns.NsAddress), WantedPort).Serialize();
            long passed = 0;
            for (int round = 0; round < 40; round++)
            {
                for (int i = 0; i < 200; i++)
                {
                    sender.SendTo(filler, SocketFlags.None, to);
                }

                source.Fill(other, 5);
                passed += other.Count;
                other.Reset();
            }

            string[] after = Enumerable.Range(0, held.Count).Select(i => Payload(held.Frame(i))).ToArray();
            Assert.That(after, Is.EqualTo(before), "the held frames were overwritten");
            Assert.That(before[0], Does.StartWith("held-"));
            Assert.That(source.ReadKernelStats().Dropped, Is.GreaterThan(0), $"the ring was full while held ({passed} passed)");

            held.Reset(); // gives the blocks back: capture goes on
            Run.Until(() => { source.Fill(other, 5); other.Reset(); return false; }, 300);
            Send(sender, ns, WantedPort, "after");
            Assert.That(CaptureUntil(source, d => d.Any(x => x.Payload == "after")).Select(d => d.Payload), Does.Contain("after"));
        });
    }

    [Test]
    public void AutoPicksTheRingForEthernetAndLibpcapForTheRest()
    {
        Assume.That(_reader, Is.EqualTo(LibpcapReader.Ring));
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            LibpcapCaptureConfig ethernet = Config(ns, ns.NsVeth, "udp", 3) with { Reader = LibpcapReader.Auto };
            using (var source = new AutoCaptureSource(ethernet, null, new ListLogger(), "live", null))
            {
                source.Open();
                Assert.That(source.Inner, Is.TypeOf<RingCaptureSource>());
            }

            using (var source = new AutoCaptureSource(ethernet with { Interface = "any" }, null, new ListLogger(), "live", null))
            {
                source.Open();
                Assert.That(source.Inner, Is.TypeOf<LiveCaptureSource>(), "\"any\" is no Ethernet interface");
            }
        });
    }

    [Test]
    public void FramesAreCutAtTheSnaplenAndKeepTheirWireLength()
    {
        using var ns = new TestNetns();
        OnOwnThread(() =>
        {
            using PacketSource source = NewSource(Config(ns, ns.NsVeth, "udp", 3) with { Snaplen = 64 }, null);
            source.Open();
            using Socket sender = Sender(ns);
            SocketAddress to = new IPEndPoint(IPAddress.Parse(ns.NsAddress), WantedPort).Serialize();
            var batch = new PacketBatch(256 * 1024, 1024);
            var sw = Stopwatch.StartNew();
            while (batch.Count == 0 && sw.ElapsedMilliseconds < 10_000)
            {
                sender.SendTo(new byte[300], SocketFlags.None, to);
                source.Fill(batch, 50);
            }

            Assert.That(batch.Count, Is.GreaterThan(0));
            Assert.That(batch.Frame(0).Length, Is.EqualTo(64), "captured bytes");
            Assert.That(batch[0].OriginalLength, Is.EqualTo(14 + 20 + 8 + 300), "length on the wire");
        });
    }

    [Test]
    public void OnLoopbackEachFrameIsCapturedOnceNotOutAndIn()
    {
        using var ns = new TestNetns(); // lo is up in it
        OnOwnThread(() =>
        {
            LibpcapCaptureConfig config = Config(ns, "lo", $"udp dst port {WantedPort}", 3);
            using PacketSource source = NewSource(config, null);
            source.Open();
            Socket sender;
            using (Cpworker.Engine.Capture.NetworkNamespace.Enter(ns.Path))
            {
                sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp); // stays in the namespace it was made in
            }

            using (sender)
            {
                for (int i = 0; i < 5; i++)
                {
                    sender.SendTo(Encoding.ASCII.GetBytes($"lo-{i}"), new IPEndPoint(IPAddress.Loopback, WantedPort));
                }

                List<Datagram> seen = CaptureUntil(source, d => d.Count >= 5);
                var late = new PacketBatch(256 * 1024, 1024);
                var sw = Stopwatch.StartNew();
                while (sw.ElapsedMilliseconds < 300)
                {
                    source.Fill(late, 20); // a second copy of any frame would arrive here
                }

                Assert.That(late.Count, Is.Zero, "a frame was captured twice");
                Assert.That(seen.Select(d => d.Payload), Is.EqualTo(Enumerable.Range(0, 5).Select(i => $"lo-{i}")));
            }
        });
    }

    private static string Payload(ReadOnlySpan<byte> frame)
    {
        int udp = 14 + (frame[14] & 0x0F) * 4;
        return Encoding.ASCII.GetString(frame[(udp + 8)..]);
    }
}
