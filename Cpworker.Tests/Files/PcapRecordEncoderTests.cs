using Cpworker.Outputs.Common;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Files;

/// <summary>The pcap layout of docs/files.md, "The file format", byte for byte.</summary>
[TestFixture]
public sealed class PcapRecordEncoderTests
{
    [Test]
    public void Global_header_micro()
    {
        byte[] h = PcapRecordEncoder.GlobalHeader(nanosecond: false, snaplen: 65535);
        Assert.That(Convert.ToHexStringLower(h), Is.EqualTo("d4c3b2a1" + "0200" + "0400" + "00000000" + "00000000" + "ffff0000" + "01000000"));
    }

    [Test]
    public void Global_header_nano()
    {
        byte[] h = PcapRecordEncoder.GlobalHeader(nanosecond: true, snaplen: 262144);
        Assert.That(Convert.ToHexStringLower(h), Is.EqualTo("4d3cb2a1" + "0200" + "0400" + "00000000" + "00000000" + "00000400" + "01000000"));
    }

    [TestCase(false, "00f15365" + "40e20100" + "3c000000" + "3c000000")]
    [TestCase(true, "00f15365" + "15cd5b07" + "3c000000" + "3c000000")]
    public void Record_of_frame_A(bool nano, string header)
    {
        byte[] buffer = new byte[100];
        int n = PcapRecordEncoder.WriteRecord(buffer, TestFrames.FrameA, 60, 1_700_000_000_123_456_789, nano);
        Assert.That(n, Is.EqualTo(76));
        Assert.That(Convert.ToHexStringLower(buffer[..n]), Is.EqualTo(header + Convert.ToHexStringLower(TestFrames.FrameA)));
    }

    [Test]
    public void Record_keeps_a_longer_wire_length_and_never_writes_one_below_caplen()
    {
        byte[] buffer = new byte[100];
        PcapRecordEncoder.WriteRecord(buffer, TestFrames.FrameA, 1514, 0, false);
        Assert.That(Convert.ToHexStringLower(buffer[8..16]), Is.EqualTo("3c000000" + "ea050000"));
        PcapRecordEncoder.WriteRecord(buffer, TestFrames.FrameA, 10, 0, false);
        Assert.That(Convert.ToHexStringLower(buffer[8..16]), Is.EqualTo("3c000000" + "3c000000"));
    }

    [Test]
    public void Record_before_the_epoch_is_written_as_zero()
    {
        byte[] buffer = new byte[100];
        PcapRecordEncoder.WriteRecord(buffer, TestFrames.FrameA, 60, -5, true);
        Assert.That(buffer[..8], Is.All.Zero);
    }

    [Test]
    public void Record_that_does_not_fit_throws_and_writes_nothing()
    {
        byte[] buffer = new byte[75];
        Assert.Throws<ArgumentException>(() => PcapRecordEncoder.WriteRecord(buffer, TestFrames.FrameA, 60, 1, false));
        Assert.That(buffer, Is.All.Zero);
    }

    [TestCase(0, 2048, 2048)]
    [TestCase(64, 2048, 64)]
    [TestCase(2047, 2048, 2047)]
    [TestCase(2048, 2048, 2048)]
    [TestCase(5000, 2048, 2048)]
    [TestCase(0, 0, 262144)]
    [TestCase(100, 0, 100)]
    [TestCase(0, 300000, 262144)]
    public void File_snaplen(int slice, int captureSnaplen, int expected) =>
        Assert.That(PcapRecordEncoder.FileSnaplen(slice, captureSnaplen), Is.EqualTo(expected));
}
