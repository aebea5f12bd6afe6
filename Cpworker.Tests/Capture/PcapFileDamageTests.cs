using System.Buffers.Binary;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;
using static Cpworker.Tests.Capture.CaptureTestFrames;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class PcapFileDamageTests : PcapFileTestBase
{
    private const long T0 = 1_700_000_000_000_000_000;

    /// <summary>Three good records; offset of the third record's header is <see cref="ThirdRecord"/>.</summary>
    private static byte[] ThreeRecords() =>
        new PcapBuilder().Add(NumberedUdp(0), T0).Add(NumberedUdp(1), T0 + 1000).Add(NumberedUdp(2), T0 + 2000).ToArray();

    private static int ThirdRecord => 24 + 2 * (16 + NumberedUdp(0).Length);

    [Test]
    public void CaplenAboveTheLimitEndsTheReplayAfterTheRecordsBeforeIt()
    {
        byte[] file = ThreeRecords();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(ThirdRecord + 8), 262145);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(ThirdRecord + 12), 300000);

        AssertDamaged(file, 2, $"replay: read pcap file error: record at offset {ThirdRecord}: caplen 262145 is larger than 262144; skip the rest of the file");
    }

    [Test]
    public void CaplenAboveLenIsDamage()
    {
        byte[] file = ThreeRecords();
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(ThirdRecord + 12), 20);

        AssertDamaged(file, 2, "caplen 74 is larger than its length 20");
    }

    [Test]
    public void ATruncatedFrameAtTheEndIsDamage()
    {
        byte[] file = ThreeRecords()[..^10];

        AssertDamaged(file, 2, $"truncated record at offset {ThirdRecord}: caplen 74 but 64 bytes left in the file");
    }

    [Test]
    public void ATruncatedRecordHeaderAtTheEndIsDamage()
    {
        byte[] file = ThreeRecords()[..(ThirdRecord + 5)];

        AssertDamaged(file, 2, $"truncated record header at offset {ThirdRecord}: 5 of 16 bytes");
    }

    [Test]
    public void DamageEndsEveryRemainingLoopPass()
    {
        byte[] file = ThreeRecords()[..^10];

        AssertDamaged(file, 2, "truncated record", loop: 3);
    }

    [Test]
    public void DamageFarIntoALargeFileDeliversEverythingBeforeIt()
    {
        var b = new PcapBuilder(snaplen: 2048);
        for (int i = 0; i < 5000; i++)
        {
            b.Add(NumberedUdp(i, 200), T0 + i);
        }

        byte[] file = [.. b.ToArray(), .. new byte[] { 1, 2, 3 }];
        PcapFileSource source = OpenFile(file);
        List<Captured> packets = ReadToEnd(source, Batch(64 * 1024, 256));

        Assert.That(packets, Has.Count.EqualTo(5000));
        Assert.That(packets[^1].Frame, Is.EqualTo(NumberedUdp(4999, 200)));
        Assert.That(Log.At(LogLevel.Error), Has.Count.EqualTo(1).And.One.Contains("truncated record header"));
    }

    private void AssertDamaged(byte[] file, int goodRecords, string logText, int loop = 1)
    {
        PcapFileSource source = OpenFile(file, loop: loop);
        PacketBatch batch = Batch();

        List<Captured> packets = ReadToEnd(source, batch);

        Assert.That(packets.Select(p => p.Frame), Is.EqualTo(Enumerable.Range(0, goodRecords).Select(i => NumberedUdp(i))));
        Assert.That(Log.At(LogLevel.Error), Has.Count.EqualTo(1));
        Assert.That(Log.At(LogLevel.Error)[0], Does.Contain(logText).And.EndWith("; skip the rest of the file"));
        Assert.That(Log.At(LogLevel.Information), Is.Empty, "a damaged file does not end with 'end of file'");
        Assert.That(source.Fill(batch, 10), Is.EqualTo(SourceStatus.EndOfInput));
        Assert.That(batch.Count, Is.Zero);
        Assert.That(Log.At(LogLevel.Error), Has.Count.EqualTo(1), "logged once");
    }
}
