using Cpworker.Engine.Outputs;
using Cpworker.Outputs.File;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Files;

/// <summary>The <c>file</c> output (docs/files.md, "file"), run once per lane kind.</summary>
public abstract class FileOutputContract
{
    /// <summary>Local start time of every test's clock, in a +02:00 zone.</summary>
    private static readonly DateTime Start = new(2024, 3, 5, 6, 7, 8);

    private static readonly TimeSpan Offset = TimeSpan.FromHours(2);

    private string _dir = null!;

    /// <summary>The lane kind of this run.</summary>
    protected abstract LaneKind Kind { get; }

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("cpwt-file-").FullName;

    [TearDown]
    public void TearDown()
    {
        Run.Command("umount", $"-l {_dir}/mnt", 10_000);
        Directory.Delete(_dir, recursive: true);
    }

    [Test]
    public void Records_are_the_input_frames_byte_for_byte_and_real_decoders_read_them()
    {
        string path = Path.Combine(_dir, "out.pcap");
        List<TestPacket> packets = TestPacket.Random(3000, seed: 7);
        packets.Add(new TestPacket(TestFrames.FrameA, 1_700_000_001_000_000_000));
        packets.Add(new TestPacket(TestPacket.Random(1, seed: 8, 9000, 9000)[0].Frame, 1_700_000_001_999_999_999, 9000));
        packets.Add(new TestPacket(TestFrames.FrameB[..40], 1_700_000_002_000_000_000, 96)); // captured short of its wire length

        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset)))
        {
            h.Process(packets);
            h.Close();
            OutputCounterSnapshot c = h.Counters.Snapshot();
            Assert.That(c.ForwardedPackets, Is.EqualTo(packets.Count));
            Assert.That(c.ForwardedBytes, Is.EqualTo(packets.Sum(p => (long)p.Frame.Length)));
            Assert.That(c.ErrorDropPackets, Is.Zero);
        }

        PcapFileReader file = PcapFileReader.Read(path);
        Assert.Multiple(() =>
        {
            Assert.That(file.Magic, Is.EqualTo(0xA1B2C3D4));
            Assert.That(file.Snaplen, Is.EqualTo(262144));
            Assert.That(file.LinkType, Is.EqualTo(1));
        });
        Assert.That(file.Records, Has.Count.EqualTo(packets.Count));
        for (int i = 0; i < packets.Count; i++)
        {
            TestPacket p = packets[i];
            PcapRecord r = file.Records[i];
            Assert.That(r.Seconds, Is.EqualTo((uint)(p.TimestampNanos / 1_000_000_000)), $"record {i} seconds");
            Assert.That(r.Subseconds, Is.EqualTo((uint)(p.TimestampNanos % 1_000_000_000 / 1000)), $"record {i} microseconds");
            Assert.That(r.CaptureLength, Is.EqualTo(p.Frame.Length), $"record {i} caplen");
            Assert.That(r.OriginalLength, Is.EqualTo(p.OriginalLength), $"record {i} len");
            Assert.That(r.Data, Is.EqualTo(p.Frame), $"record {i} bytes");
        }

        Assert.That(PcapTools.TcpdumpCount(path), Is.EqualTo(packets.Count));
        Assert.That(PcapTools.TsharkCount(path), Is.EqualTo(packets.Count));
    }

    [Test]
    public void Slice_cuts_records_and_becomes_the_snaplen()
    {
        string path = Path.Combine(_dir, "out.pcap");
        byte[] big = TestPacket.Random(1, seed: 3, 200, 200)[0].Frame;
        byte[] exact = TestPacket.Random(1, seed: 4, 64, 64)[0].Frame;
        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset), slice: 64, captureSnaplen: 2048))
        {
            h.Process([new TestPacket(TestFrames.FrameA, 1), new TestPacket(big, 2), new TestPacket(exact, 3)]);
            h.Close();
            Assert.That(h.Counters.Snapshot().ForwardedBytes, Is.EqualTo(60 + 64 + 64));
        }

        PcapFileReader file = PcapFileReader.Read(path);
        Assert.That(file.Snaplen, Is.EqualTo(64));
        Assert.That(file.Records.Select(r => (r.CaptureLength, r.OriginalLength)), Is.EqualTo(new[] { (60u, 60u), (64u, 200u), (64u, 64u) }));
        Assert.That(file.Records[1].Data, Is.EqualTo(big[..64]));
        Assert.That(PcapTools.TcpdumpCount(path), Is.EqualTo(3));
        Assert.That(PcapTools.TsharkFields(path, "frame.len"), Is.EqualTo(new[] { "60", "200", "64" }));
    }

    [Test]
    public void Snaplen_is_the_captures_when_the_slice_does_not_cut_below_it()
    {
        string path = Path.Combine(_dir, "out.pcap");
        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset), slice: 5000, captureSnaplen: 2048))
        {
            h.Close();
        }

        Assert.That(PcapFileReader.Read(path).Snaplen, Is.EqualTo(2048));
    }

    [Test]
    public void Nanosecond_precision_keeps_every_digit()
    {
        string path = Path.Combine(_dir, "out.pcap");
        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset), precision: TimestampPrecision.Nano))
        {
            h.Process([new TestPacket(TestFrames.FrameA, 1_700_000_000_123_456_789), new TestPacket(TestFrames.FrameB, 1_700_000_000_999_999_999)]);
            h.Close();
        }

        PcapFileReader file = PcapFileReader.Read(path);
        Assert.That(file.Magic, Is.EqualTo(0xA1B23C4D));
        Assert.That(file.Records.Select(r => (r.Seconds, r.Subseconds)), Is.EqualTo(new[] { (1_700_000_000u, 123_456_789u), (1_700_000_000u, 999_999_999u) }));
        Assert.That(File.ReadAllBytes(path)[..4], Is.EqualTo(new byte[] { 0x4D, 0x3C, 0xB2, 0xA1 }));
        Assert.That(PcapTools.TsharkFields(path, "frame.time_epoch"), Is.EqualTo(new[] { "1700000000.123456789", "1700000000.999999999" }));
    }

    [Test]
    public void An_existing_file_is_renamed_with_its_bytes_intact_never_truncated()
    {
        string path = Path.Combine(_dir, "out.pcap");
        byte[] old = [1, 2, 3, 4, 5];
        byte[] older = [9, 9];
        File.WriteAllBytes(path, old);
        File.WriteAllBytes(path + ".20240305-060708", older); // the plain name is taken as well: _1

        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset)))
        {
            Assert.That(h.Logger.Count(LogLevel.Information, $"renamed the existing {path} to {path}.20240305-060708_1"), Is.EqualTo(1), h.Logger.ToString());
            Assert.That(new FileInfo(path).Length, Is.EqualTo(24), "the new file exists from the start");
            h.Process(new TestPacket(TestFrames.FrameA, 5));
            h.Close();
        }

        Assert.That(File.ReadAllBytes(path + ".20240305-060708_1"), Is.EqualTo(old));
        Assert.That(File.ReadAllBytes(path + ".20240305-060708"), Is.EqualTo(older));
        Assert.That(PcapFileReader.Read(path).Records, Has.Count.EqualTo(1));
    }

    [Test]
    public void An_output_that_never_runs_touches_nothing_and_one_that_runs_briefly_leaves_its_file()
    {
        string path = Path.Combine(_dir, "out.pcap");
        byte[] old = [1, 2, 3];
        File.WriteAllBytes(path, old);
        Create(path, ManualClock.AtLocal(Start, Offset), start: false).Abandon(); // a task start that failed later
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(old));

        using (FileOutputHarness h = Create(path, ManualClock.AtLocal(Start, Offset), start: false))
        {
            h.Close(); // stopped before its first tick
        }

        Assert.That(File.ReadAllBytes(path + ".20240305-060708"), Is.EqualTo(old));
        Assert.That(PcapFileReader.Read(path).Records, Is.Empty);
    }

    [Test]
    public void Data_reaches_the_file_within_a_second_without_close()
    {
        string path = Path.Combine(_dir, "out.pcap");
        var clock = ManualClock.AtLocal(Start, Offset);
        using FileOutputHarness h = Create(path, clock);
        h.Process(new TestPacket(TestFrames.FrameA, 5));
        h.Sync();
        Assert.That(new FileInfo(path).Length, Is.EqualTo(24), "nothing is written before the buffer is due");

        clock.Advance(TimeSpan.FromMilliseconds(400));
        h.TickEncoder();
        h.Sync();
        Assert.That(new FileInfo(path).Length, Is.EqualTo(24), "a buffer younger than half a second waits for more");

        clock.Advance(TimeSpan.FromMilliseconds(150));
        h.TickEncoder();
        h.Sync();
        PcapFileReader file = PcapFileReader.Read(path);
        Assert.That(file.Records, Has.Count.EqualTo(1));
        Assert.That(file.Records[0].Data, Is.EqualTo(TestFrames.FrameA));
    }

    [Test]
    public void A_removed_directory_is_recreated_and_nothing_is_lost()
    {
        string sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        string path = Path.Combine(sub, "out.pcap");
        var clock = ManualClock.AtLocal(Start, Offset);
        using FileOutputHarness h = Create(path, clock);
        h.Process(TestPacket.Random(10, seed: 1));
        FlushNow(h, clock);
        Directory.Delete(sub, recursive: true);

        List<TestPacket> later = TestPacket.Random(10, seed: 2);
        h.Process(later);
        FlushNow(h, clock);
        Assert.That(PcapFileReader.Read(path).Records.Select(r => r.Data), Is.EqualTo(later.Select(p => p.Frame)));
        Assert.That(h.Logger.Count(LogLevel.Warning, "was removed or moved while being written"), Is.EqualTo(1), h.Logger.ToString());
        h.Close();
        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That((c.ForwardedPackets, c.ErrorDropPackets), Is.EqualTo((20L, 0L)));
        Assert.That(PcapTools.TcpdumpCount(path), Is.EqualTo(10));
    }

    [Test]
    public void Write_failures_are_counted_logged_once_a_minute_and_the_output_recovers()
    {
        string sub = Path.Combine(_dir, "sub");
        Directory.CreateDirectory(sub);
        string path = Path.Combine(sub, "out.pcap");
        var clock = ManualClock.AtLocal(Start, Offset);
        using FileOutputHarness h = Create(path, clock);
        h.Process(TestPacket.Random(5, seed: 1));
        FlushNow(h, clock);

        // A regular file where the directory was: the directory cannot be recreated.
        Directory.Delete(sub, recursive: true);
        File.WriteAllText(sub, "blocker");
        List<TestPacket> lost = [.. TestPacket.Random(7, seed: 2), .. TestPacket.Random(3, seed: 3)];
        h.Process(lost[..7]);
        FlushNow(h, clock);
        h.Process(lost[7..]);
        FlushNow(h, clock);
        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That((c.ErrorDropPackets, c.ErrorDropBytes), Is.EqualTo((10L, lost.Sum(p => (long)p.Frame.Length))));
        Assert.That(h.Logger.Count(LogLevel.Error, "cannot create a new file"), Is.EqualTo(1), h.Logger.ToString());

        File.Delete(sub);
        List<TestPacket> after = TestPacket.Random(4, seed: 4);
        h.Process(after);
        FlushNow(h, clock);
        Assert.That(PcapFileReader.Read(path).Records.Select(r => r.Data), Is.EqualTo(after.Select(p => p.Frame)));
        Assert.That(h.Logger.Count(LogLevel.Information, "writing again"), Is.EqualTo(1), h.Logger.ToString());

        // A minute later a new failure is logged again.
        Directory.Delete(sub, recursive: true);
        File.WriteAllText(sub, "blocker");
        clock.Advance(TimeSpan.FromMinutes(1));
        h.Process(TestPacket.Random(2, seed: 5));
        FlushNow(h, clock);
        Assert.That(h.Logger.Count(LogLevel.Error, "cannot create a new file"), Is.EqualTo(2), h.Logger.ToString());
        File.Delete(sub);
        h.Close();
        c = h.Counters.Snapshot();
        Assert.That((c.ForwardedPackets, c.ErrorDropPackets, c.HandedPackets), Is.EqualTo((9L, 12L, 21L)));
    }

    [Category(TestCategories.Root)]
    [Test]
    public void A_full_disk_loses_only_what_does_not_fit_leaves_valid_files_and_recovers()
    {
        string mnt = Path.Combine(_dir, "mnt");
        Directory.CreateDirectory(mnt);
        (int code, _, string err) = Run.Command("mount", $"-t tmpfs -o size=256k tmpfs {mnt}");
        if (code != 0)
        {
            Assert.Ignore($"cannot mount a small tmpfs here: {err}");
        }

        string path = Path.Combine(mnt, "out.pcap");
        var clock = ManualClock.AtLocal(Start, Offset);
        using FileOutputHarness h = Create(path, clock);
        long handed = 0;
        for (int i = 0; i < 100 && h.Counters.Snapshot().ErrorDropPackets == 0; i++)
        {
            h.Process(TestPacket.Random(20, seed: i, 1000, 1000));
            handed += 20;
            FlushNow(h, clock);
        }

        h.Process(TestPacket.Random(20, seed: 1000, 1000, 1000));
        handed += 20;
        FlushNow(h, clock);
        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That(c.ErrorDropPackets, Is.GreaterThanOrEqualTo(20), "the disk never filled");
        int written = 0;
        foreach (string f in Directory.GetFiles(mnt))
        {
            written += PcapFileReader.Read(f).Records.Count; // strict: a torn record would throw
            PcapTools.TcpdumpCount(f);
        }

        Assert.That(written, Is.EqualTo(c.ForwardedPackets), "every packet counted as forwarded is in a file");

        foreach (string f in Directory.GetFiles(mnt))
        {
            File.Delete(f); // make room
        }

        List<TestPacket> after = TestPacket.Random(5, seed: 2000, 1000, 1000);
        h.Process(after);
        handed += 5;
        FlushNow(h, clock);
        Assert.That(PcapFileReader.Read(path).Records.Select(r => r.Data), Is.EqualTo(after.Select(p => p.Frame)));
        h.Close();
        c = h.Counters.Snapshot();
        Assert.That(c.HandedPackets, Is.EqualTo(handed));
    }

    [Test]
    public void A_missing_directory_fails_the_start_with_a_clear_message()
    {
        string path = Path.Combine(_dir, "missing", "out.pcap");
        var ex = Assert.Throws<OutputStartException>(() => Create(path, ManualClock.AtLocal(Start, Offset)));
        Assert.That(ex!.Message, Is.EqualTo($"task-0/file-0: the directory {Path.GetDirectoryName(path)} of {path} does not exist"));
    }

    /// <summary>Lets the encoder hand over its buffer (it is due after half a second) and waits until it is written.</summary>
    private static void FlushNow(FileOutputHarness h, ManualClock clock)
    {
        clock.Advance(TimeSpan.FromMilliseconds(600));
        h.TickEncoder();
        h.Sync();
    }

    private FileOutputHarness Create(string path, ManualClock clock, int slice = 0, int captureSnaplen = 262144, TimestampPrecision precision = TimestampPrecision.Micro, bool start = true) =>
        new(Kind, new FileOutputType(), new FileSettings { Name = path, TimestampPrecision = precision }, clock, slice, captureSnaplen, start);
}
