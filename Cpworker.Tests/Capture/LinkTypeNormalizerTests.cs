using Cpworker.Engine.Capture;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class LinkTypeNormalizerTests
{
    private static readonly byte[] s_payload = "hello, cpwrker!\n"u8.ToArray();

    [Test]
    public void SllGetsAnEthernetHeaderWithItsProtocol()
    {
        byte[] ip = CaptureTestFrames.Ipv4Udp(1000, 2000, s_payload);
        byte[] sll = CaptureTestFrames.Sll(ip, 0x0800);

        (byte[] frame, int length) = Normalize(LinkTypeNormalizer.LinuxSll, sll, sll.Length + 100);

        Assert.That(frame, Is.EqualTo(CaptureTestFrames.Ethernet(ip, 0x0800).Select((b, i) => i < 12 ? (byte)0 : b).ToArray()));
        Assert.That(length, Is.EqualTo(sll.Length + 100 - 2), "len shrinks by 16 - 14");
    }

    [Test]
    public void SllKeepsANonIpProtocol()
    {
        byte[] arp = new byte[28];
        arp[7] = 1;
        (byte[] frame, _) = Normalize(LinkTypeNormalizer.LinuxSll, CaptureTestFrames.Sll(arp, 0x0806), 44);
        Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x08, 0x06 }));
        Assert.That(frame[14..], Is.EqualTo(arp));
    }

    [Test]
    public void Sll2GetsAnEthernetHeaderWithItsProtocol()
    {
        byte[] ip6 = CaptureTestFrames.Ipv6Udp(1000, 2000, s_payload);
        byte[] sll2 = CaptureTestFrames.Sll2(ip6, 0x86DD);

        (byte[] frame, int length) = Normalize(LinkTypeNormalizer.LinuxSll2, sll2, sll2.Length);

        Assert.That(frame[..12], Is.All.EqualTo(0), "zero MACs");
        Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x86, 0xDD }));
        Assert.That(frame[14..], Is.EqualTo(ip6));
        Assert.That(length, Is.EqualTo(sll2.Length - 6));
    }

    [TestCase(LinkTypeNormalizer.Raw)]
    [TestCase(LinkTypeNormalizer.RawDlt)]
    [TestCase(LinkTypeNormalizer.IPv4)]
    public void RawIpv4GetsEtherType0800(int linkType)
    {
        byte[] ip = CaptureTestFrames.Ipv4Udp(1000, 2000, s_payload);
        (byte[] frame, int length) = Normalize(linkType, ip, ip.Length);
        Assert.That(frame, Has.Length.EqualTo(ip.Length + 14));
        Assert.That(frame[..12], Is.All.EqualTo(0));
        Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x08, 0x00 }));
        Assert.That(frame[14..], Is.EqualTo(ip));
        Assert.That(length, Is.EqualTo(ip.Length + 14));
    }

    [TestCase(LinkTypeNormalizer.Raw)]
    [TestCase(LinkTypeNormalizer.IPv6)]
    public void RawIpv6GetsEtherType86DD(int linkType)
    {
        byte[] ip6 = CaptureTestFrames.Ipv6Udp(1000, 2000, s_payload);
        (byte[] frame, int length) = Normalize(linkType, ip6, 1500);
        Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x86, 0xDD }));
        Assert.That(frame[14..], Is.EqualTo(ip6));
        Assert.That(length, Is.EqualTo(1514));
    }

    [Test]
    public void BsdLoopbackUsesTheIpVersionWhateverTheByteOrder()
    {
        byte[] ip6 = CaptureTestFrames.Ipv6Udp(1, 2, s_payload);
        byte[] nullFrame = [30, 0, 0, 0, .. ip6]; // AF_INET6 on macOS, little-endian writer
        (byte[] frame, int length) = Normalize(LinkTypeNormalizer.Null, nullFrame, nullFrame.Length);
        Assert.That(frame[12..14], Is.EqualTo(new byte[] { 0x86, 0xDD }));
        Assert.That(frame[14..], Is.EqualTo(ip6));
        Assert.That(length, Is.EqualTo(nullFrame.Length + 10));
    }

    [Test]
    public void AFrameShorterThanItsLinkHeaderBecomesEmpty()
    {
        byte[] cut = CaptureTestFrames.Sll([], 0x0800)[..10];
        (byte[] frame, int length) = Normalize(LinkTypeNormalizer.LinuxSll, cut, 60);
        Assert.That(frame, Is.Empty);
        Assert.That(length, Is.EqualTo(60));
    }

    [Test]
    public void SupportedLinkTypes()
    {
        Assert.Multiple(() =>
        {
            foreach (int t in new[] { 0, 1, 12, 101, 108, 113, 228, 229, 276 })
            {
                Assert.That(LinkTypeNormalizer.IsSupported(t), Is.True, $"link type {t}");
            }

            foreach (int t in new[] { 6, 105, 127, 147 })
            {
                Assert.That(LinkTypeNormalizer.IsSupported(t), Is.False, $"link type {t}");
            }
        });
    }

    private static (byte[] Frame, int Length) Normalize(int linkType, byte[] frame, int wireLength)
    {
        byte[] destination = new byte[frame.Length + LinkTypeNormalizer.MaxGrowth];
        int n = LinkTypeNormalizer.Normalize(linkType, frame, wireLength, destination, out int length);
        return (destination[..n], length);
    }
}
