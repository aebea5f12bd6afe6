using System.Diagnostics;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Capture.CaptureTestFrames;

namespace Cpworker.Tests.Capture;

[TestFixture]
public class PcapFilePacingTests : PcapFileTestBase
{
    private const long T0 = 1_700_000_000_000_000_000;
    private const long Ms = 1_000_000;

    [Test]
    public void SpeedPacesByRecordedTimestamps()
    {
        var clock = new ManualClock();
        var b = new PcapBuilder(nanosecond: true).Add(NumberedUdp(0), T0).Add(NumberedUdp(1), T0 + 100 * Ms).Add(NumberedUdp(2), T0 + 300 * Ms);
        PcapFileSource source = OpenFile(b.ToArray(), speed: 2, time: clock);
        PacketBatch batch = Batch();

        Assert.That(source.Fill(batch, 0), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.EqualTo(1), "the first record is due at once");
        batch.Reset();

        clock.Advance(TimeSpan.FromMilliseconds(49));
        Assert.That(source.Fill(batch, 5), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.Zero, "100 ms recorded at speed 2 = 50 ms");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(source.Fill(batch, 0), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.EqualTo(1));
        batch.Reset();

        clock.Advance(TimeSpan.FromMilliseconds(99));
        source.Fill(batch, 0);
        Assert.That(batch.Count, Is.Zero);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(source.Fill(batch, 0), Is.EqualTo(SourceStatus.EndOfInput));
        Assert.That(batch.Count, Is.EqualTo(1));
        Assert.That(batch[0].TimestampNanos, Is.EqualTo(T0 + 300 * Ms), "timestamps stay as recorded");
    }

    [Test]
    public void EachLoopPassIsPacedFromItsFirstRecord()
    {
        var clock = new ManualClock();
        var b = new PcapBuilder(nanosecond: true).Add(NumberedUdp(0), T0).Add(NumberedUdp(1), T0 + 10 * Ms);
        PcapFileSource source = OpenFile(b.ToArray(), speed: 1, loop: 2, time: clock);
        PacketBatch batch = Batch();

        source.Fill(batch, 0);
        Assert.That(batch.Count, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        source.Fill(batch, 0);
        source.Fill(batch, 0);
        Assert.That(batch.Count, Is.EqualTo(3), "second record, then the first of pass 2 at once");
        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.That(source.Fill(batch, 0), Is.EqualTo(SourceStatus.EndOfInput));
        Assert.That(batch.Count, Is.EqualTo(4));
    }

    [TestCase(1e-300)]
    [TestCase(1e-12)]
    public void A_vanishing_speed_holds_the_next_record_back_instead_of_wrapping_to_full_speed(double speed)
    {
        // The loader refuses such speeds; the arithmetic must be safe anyway (issue: 1e-300 replayed at full speed).
        var clock = new ManualClock();
        var b = new PcapBuilder(nanosecond: true).Add(NumberedUdp(0), T0).Add(NumberedUdp(1), T0 + 1 * Ms).Add(NumberedUdp(2), T0 + 2 * Ms);
        PcapFileSource source = OpenFile(b.ToArray(), speed: speed, time: clock);
        PacketBatch batch = Batch();

        Assert.That(source.Fill(batch, 0), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.EqualTo(1), "the first record is due at once");
        clock.Advance(TimeSpan.FromDays(365));
        var sw = Stopwatch.StartNew();
        Assert.That(source.Fill(batch, 20), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.EqualTo(1), "1 ms recorded at this speed is longer than a year");
        Assert.That(sw.ElapsedMilliseconds, Is.LessThan(2000), "and the wait still ends at the timeout");
    }

    [Test]
    public void FillNeverWaitsPastItsTimeout()
    {
        var b = new PcapBuilder(nanosecond: true).Add(NumberedUdp(0), T0).Add(NumberedUdp(1), T0 + 3600_000 * Ms);
        PcapFileSource source = OpenFile(b.ToArray(), speed: 1);
        PacketBatch batch = Batch();
        source.Fill(batch, 0);
        batch.Reset();

        var sw = Stopwatch.StartNew();
        Assert.That(source.Fill(batch, 30), Is.EqualTo(SourceStatus.Active));
        Assert.That(batch.Count, Is.Zero);
        Assert.That(sw.ElapsedMilliseconds, Is.InRange(25, 2000));
    }

    [Test]
    public void RealTimeReplayTakesTheRecordedTimeOverTheSpeed()
    {
        // 10 records 40 ms apart = 360 ms recorded; at speed 2 about 180 ms.
        var b = new PcapBuilder();
        for (int i = 0; i < 10; i++)
        {
            b.Add(NumberedUdp(i), T0 + i * 40 * Ms);
        }

        PcapFileSource source = OpenFile(b.ToArray(), speed: 2);
        var sw = Stopwatch.StartNew();
        List<Captured> packets = ReadToEnd(source, Batch(), maxFills: 2000);
        sw.Stop();

        Assert.That(packets, Has.Count.EqualTo(10));
        Assert.That(sw.ElapsedMilliseconds, Is.InRange(170, 3000));
    }
}
