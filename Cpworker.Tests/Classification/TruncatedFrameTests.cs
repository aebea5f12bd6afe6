using Cpworker.Engine.Classification;
using Cpworker.Engine.Packets;
using static Cpworker.Tests.Classification.DirectionFrames;

namespace Cpworker.Tests.Classification;

/// <summary>
/// Frames cut at every length from 0 to whole, and damaged frames: classification never throws and
/// gives exactly the answer the captured bytes support (a part not fully captured is absent).
/// </summary>
[TestFixture]
public sealed class TruncatedFrameTests
{
    private const PacketDirection Out = PacketDirection.Outgoing;
    private const PacketDirection In = PacketDirection.Incoming;
    private const PacketDirection Unknown = PacketDirection.Unknown;

    // IPv4 with one option word behind a VLAN tag: IP at 18, addresses complete at 38, ports at 18 + 24 + 4.
    private static readonly byte[] s_ipv4 = Tagged(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000), optionWords: 1), (0x8100, 3));

    // IPv6 behind QinQ with hop-by-hop (8) + routing (16) + destination options (8) + fragment (8) before TCP.
    private static readonly byte[] s_ipv6 = Ether(
        V6("2001:db8::1", "2001:db8::2", 0, Ext(43, Ext(60, Ext(44, Frag6(Tcp6, Tcp(80, 5000))), units: 1, kind: 43))),
        null, DefaultSourceMac, DefaultDestinationMac, (0x88A8, 1), (0x8100, 2));

    // IPv6 with an authentication header (24 bytes) before UDP.
    private static readonly byte[] s_ipv6Ah = Ether(V6("2001:db8::2", "2001:db8::1", 51, Ah(Udp17, Udp(5000, 80), icvWords: 3)));

    // VXLAN to 4700: outer IP at 14, outer ports complete at 38, inner ports complete at 14 + 20 + 8 + 8 + 14 + 20 + 4 = 88.
    private static readonly byte[] s_vxlan = Ether(V4("192.168.0.1", "192.168.0.2", Udp17,
        Udp(50000, 4700, Vxlan(Ether(V4("10.0.0.1", "10.0.0.2", Tcp6, Tcp(80, 5000)))))));

    private static IEnumerable<TestCaseData> Cuts()
    {
        static TestCaseData Case(string name, byte[] frame, string pattern, params (int From, PacketDirection Direction)[] steps) =>
            new TestCaseData(frame, pattern, steps).SetArgDisplayNames(name);

        yield return Case("ipv4 host", s_ipv4, "host 10.0.0.1", (0, Unknown), (38, Out));
        yield return Case("ipv4 host and port", s_ipv4, "host 10.0.0.1 and port 80", (0, Unknown), (46, Out));
        yield return Case("ipv4 destination port", s_ipv4, "port 5000", (0, Unknown), (46, In));
        yield return Case("ipv6 host", s_ipv6, "host 2001:db8::2", (0, Unknown), (22 + 40, In));
        yield return Case("ipv6 host and port", s_ipv6, "host 2001:db8::1 and port 80", (0, Unknown), (22 + 40 + 40 + 4, Out));
        yield return Case("ipv6 ah port", s_ipv6Ah, "port 80", (0, Unknown), (14 + 40 + 24 + 4, In));
        yield return Case("vxlan outer host", s_vxlan, "host 192.168.0.1", (0, Unknown), (34, Out), (88, Unknown));
        yield return Case("vxlan outer port", s_vxlan, "port 4700", (0, Unknown), (38, In), (88, Unknown));
        yield return Case("vxlan inner", s_vxlan, "host 10.0.0.1 and port 80", (0, Unknown), (88, Out));
    }

    [TestCaseSource(nameof(Cuts))]
    public void Every_cut_gives_the_answer_its_captured_bytes_support(byte[] frame, string pattern, (int From, PacketDirection Direction)[] steps)
    {
        IDirectionClassifier classifier = CustomDirectionClassifierTests.Create(pattern);
        for (int length = 0; length <= frame.Length; length++)
        {
            PacketDirection expected = steps.Last(s => s.From <= length).Direction;
            Assert.That(classifier.Classify(frame.AsSpan(0, length)), Is.EqualTo(expected), $"cut at {length} of {frame.Length}");
        }
    }

    /// <summary>Random bytes behind headers that steer the parser into every branch; damaged copies of valid frames.</summary>
    [Test]
    public void Random_and_damaged_frames_never_throw()
    {
        IDirectionClassifier classifier = CustomDirectionClassifierTests.Create(
            "host 10.0.0.1 or host 2001:db8::1 or port 80 or (host 192.168.0.1 and port 4700)");
        byte[][] seeds = [s_ipv4, s_ipv6, s_ipv6Ah, s_vxlan];
        ushort[] etherTypes = [0x0800, 0x86DD, 0x8100, 0x88A8, 0x9100, 0x9200, 0x0806];
        byte[] nextHeaders = [0, 6, 17, 43, 44, 50, 51, 59, 60, 132];
        var random = new Random(4700);
        int[] seen = new int[4];
        for (int n = 0; n < 50_000; n++)
        {
            byte[] frame;
            if (n % 2 == 0)
            {
                frame = new byte[random.Next(0, 200)];
                random.NextBytes(frame);
                if (frame.Length >= 16)
                {
                    // Mostly sensible EtherTypes and IP versions, so that deep branches are reached.
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), etherTypes[random.Next(etherTypes.Length)]);
                    frame[14] = (byte)((random.Next(2) == 0 ? 0x40 : 0x60) | (frame[14] & 0x0F));
                    if (frame.Length > 20)
                    {
                        frame[20] = nextHeaders[random.Next(nextHeaders.Length)];
                    }
                }
            }
            else
            {
                byte[] seed = seeds[random.Next(seeds.Length)];
                frame = seed[..random.Next(0, seed.Length + 1)];
                for (int k = random.Next(1, 4); k > 0 && frame.Length > 0; k--)
                {
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                }
            }

            PacketDirection direction = classifier.Classify(frame);
            Assert.That(direction, Is.AnyOf(In, Out, Unknown));
            seen[(int)direction]++;
        }

        // The damaged frames must still reach real decisions, or this test would prove little.
        Assert.That(seen[(int)Out], Is.GreaterThan(1000));
        Assert.That(seen[(int)In], Is.GreaterThan(100));
        Assert.That(seen[(int)Unknown], Is.GreaterThan(1000));
    }
}
