using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.RotatingFile;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Files;

/// <summary>When the file encoder hands over buffers, and what it counts.</summary>
[TestFixture]
public sealed class PcapFileEncoderTests
{
    [Test]
    public void A_buffer_is_handed_over_when_the_next_record_does_not_fit()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(50));
        var lane = new RecordingLane(buffers: 1, bytes: 200);
        var encoder = new PcapFileEncoder(clock, nanosecond: false, snaplen: 262144);
        encoder.Attach(lane);
        long t0 = clock.GetTimestamp();
        Assert.That(encoder.Encode(Packet(TestFrames.FrameA, 1)), Is.True);   // 76 bytes
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(encoder.Encode(Packet(TestFrames.FrameA, 2)), Is.True);   // 152
        Assert.That(lane.Submitted, Is.Empty);
        Assert.That(encoder.Encode(Packet(TestFrames.FrameA, 3)), Is.False, "full, handed over, and the only buffer is in flight");
        Assert.That(lane.Submitted, Has.Count.EqualTo(1));
        Assert.That(lane.Submitted[0].Bytes, Has.Length.EqualTo(152));
        Assert.That((lane.Submitted[0].Packets, lane.Submitted[0].PacketBytes, lane.Submitted[0].FirstRecordTimestamp), Is.EqualTo((2, 120L, t0)));
    }

    [Test]
    public void Tick_hands_over_a_buffer_only_once_its_first_record_is_half_a_second_old()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(50));
        var lane = new RecordingLane(buffers: 2, bytes: 1 << 20);
        var encoder = new PcapFileEncoder(clock, nanosecond: false, snaplen: 262144);
        encoder.Attach(lane);
        encoder.OnTick();
        Assert.That(lane.Submitted, Is.Empty);
        encoder.Encode(Packet(TestFrames.FrameA, 1));
        clock.Advance(TimeSpan.FromMilliseconds(499));
        encoder.OnTick();
        Assert.That(lane.Submitted, Is.Empty);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        encoder.OnTick();
        Assert.That(lane.Submitted, Has.Count.EqualTo(1));
    }

    [Test]
    public void Flush_hands_over_what_is_held_and_no_record_exceeds_the_snaplen()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(50));
        var lane = new RecordingLane(buffers: 1, bytes: 1 << 20);
        var encoder = new PcapFileEncoder(clock, nanosecond: true, snaplen: 64);
        encoder.Attach(lane);
        encoder.Flush();
        Assert.That(lane.Submitted, Is.Empty);
        encoder.Encode(Packet(TestFrames.FrameB, 7)); // 96 bytes, longer than the declared snaplen
        encoder.Flush();
        Assert.That(lane.Submitted, Has.Count.EqualTo(1));
        Assert.That(lane.Submitted[0].Bytes, Has.Length.EqualTo(16 + 64), "no record is longer than the file's snaplen");
        Assert.That(lane.Submitted[0].PacketBytes, Is.EqualTo(96), "counted as the stage counted it");
    }

    [Test]
    public void Encoding_allocates_nothing_in_steady_state()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddYears(50));
        var encoder = new PcapFileEncoder(clock, nanosecond: false, snaplen: 262144);
        encoder.Attach(new InlineSendLane(new DiscardTransport(), PcapFileBuffers.BufferBytes(262144), 1));
        byte[] frame = TestFrames.FrameB;
        for (int i = 0; i < 50_000; i++)
        {
            encoder.Encode(Packet(frame, i));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            encoder.Encode(Packet(frame, i));
            if ((i & 1023) == 0)
            {
                encoder.EndOfBatch();
                encoder.OnTick();
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void The_rotating_encoder_allocates_nothing_in_steady_state_either()
    {
        var clock = new ManualClock(new DateTimeOffset(2024, 10, 27, 0, 57, 0, TimeSpan.Zero), TestZones.CentralEuropean);
        var encoder = new RotatingFileEncoder(clock, 262144, new RotationSchedule(clock, 60));
        encoder.Attach(new InlineSendLane(new DiscardTransport(), PcapFileBuffers.BufferBytes(262144), 1));
        byte[] frame = TestFrames.FrameB;
        for (int i = 0; i < 50_000; i++)
        {
            encoder.Encode(Packet(frame, i));
            encoder.EndOfBatch();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100_000; i++)
        {
            encoder.Encode(Packet(frame, i));
            if ((i & 255) == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(1)); // crosses boundaries (and the October change): buffers end there
                encoder.EndOfBatch();
                encoder.OnTick();
            }
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    private static Packet Packet(byte[] frame, long ts) => new(frame, frame.Length, ts, PacketDirection.NotChecked);

    private sealed class DiscardTransport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
