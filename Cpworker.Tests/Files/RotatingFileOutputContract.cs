using Cpworker.Engine.Outputs;
using Cpworker.Outputs.RotatingFile;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Files;

/// <summary>The <c>rotating_file</c> output (docs/files.md, "rotating_file"), run once per lane kind, on a clock in a +05:30 zone.</summary>
public abstract class RotatingFileOutputContract
{
    /// <summary>A zone whose hours start at :30 UTC: rotation must follow the local clock.</summary>
    private static readonly TimeSpan Offset = new(5, 30, 0);

    private string _root = null!;

    /// <summary>The lane kind of this run.</summary>
    protected abstract LaneKind Kind { get; }

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("cpwt-rot-").FullName;

    [TearDown]
    public void TearDown()
    {
        Run.Command("umount", $"-l {_root}", 10_000);
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
        else
        {
            File.Delete(_root);
        }
    }

    [Test]
    public void Packets_before_and_after_a_boundary_land_in_their_files_named_in_local_time()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 10, 59, 58), Offset);
        string first = Complete("2024050610", "pktminerg_dump_20240506105958.pcap");
        string second = Complete("2024050611", "pktminerg_dump_20240506110000.pcap");
        using FileOutputHarness h = Create(clock, interval: 3600);
        Assert.That(File.Exists(first + ".part"), Is.True, "the first file is opened at start");

        List<TestPacket> before = TestPacket.Random(3, seed: 1);
        List<TestPacket> after = TestPacket.Random(2, seed: 2);
        h.Process(before[..2]);
        clock.Advance(TimeSpan.FromSeconds(1.5)); // 10:59:59.5
        h.Process(before[2..]);
        clock.Advance(TimeSpan.FromSeconds(1));   // 11:00:00.5, 05:30:00.5 UTC
        h.Process(after);
        clock.Advance(TimeSpan.FromMilliseconds(600));
        h.TickEncoder();
        h.Sync();

        Assert.That(Frames(first), Is.EqualTo(before.Select(p => p.Frame)), "complete once the next file began");
        Assert.That(Frames(second + ".part"), Is.EqualTo(after.Select(p => p.Frame)));
        h.Close();
        Assert.That(Frames(second), Is.EqualTo(after.Select(p => p.Frame)));
        Assert.That(Directory.GetFiles(_root, "*.part", SearchOption.AllDirectories), Is.Empty, "Close completes the file");
        Assert.That(PcapTools.TcpdumpCount(first), Is.EqualTo(3));
        Assert.That(PcapTools.TsharkCount(second), Is.EqualTo(2));
        Assert.That(h.Counters.Snapshot().ForwardedPackets, Is.EqualTo(5));
    }

    [Test]
    public void A_buffer_handed_over_just_after_the_boundary_still_lands_in_its_own_file()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 11, 59, 59, 800), Offset);
        using FileOutputHarness h = Create(clock, interval: 3600);
        h.Process(new TestPacket(TestFrames.FrameA, 1));
        clock.Advance(TimeSpan.FromMilliseconds(400)); // 12:00:00.2: the buffer is still in the encoder
        h.TickTransport();
        h.Close();

        Assert.That(Frames(Complete("2024050611", "pktminerg_dump_20240506115959.pcap")), Is.EqualTo(new[] { TestFrames.FrameA }));
        Assert.That(Directory.Exists(Path.Combine(_root, "2024050612")), Is.False);
    }

    [Test]
    public void An_idle_interval_yields_a_header_only_file_and_rotation_goes_on()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 12, 0, 10), Offset);
        string a = Complete("2024050612", "pktminerg_dump_20240506120010.pcap");
        string b = Complete("2024050612", "pktminerg_dump_20240506120100.pcap");
        string c = Complete("2024050612", "pktminerg_dump_20240506120200.pcap");
        using FileOutputHarness h = Create(clock, interval: 60);

        clock.AdvanceToLocal(new DateTime(2024, 5, 6, 12, 1, 0, 500));
        h.TickTransport();
        Assert.That(File.Exists(a + ".part"), Is.True, "an idle file ends a moment after the boundary, not before the last buffer could arrive");

        clock.AdvanceToLocal(new DateTime(2024, 5, 6, 12, 1, 1, 200));
        h.TickTransport();
        Assert.That(File.Exists(a) && File.Exists(b + ".part"), Is.True);
        Assert.That(new FileInfo(a).Length, Is.EqualTo(24));
        Assert.That(PcapTools.TcpdumpCount(a), Is.Zero);

        clock.AdvanceToLocal(new DateTime(2024, 5, 6, 12, 2, 1, 500));
        h.TickTransport();
        Assert.That(File.Exists(b) && File.Exists(c + ".part"), Is.True);
        h.Close();
        Assert.That(PcapFileReader.Read(c).Records, Is.Empty);
    }

    [Test]
    public void A_second_file_in_the_same_second_gets_a_suffix()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 12, 0, 0), Offset);
        for (int i = 0; i < 3; i++)
        {
            using FileOutputHarness h = Create(clock, interval: 60);
            h.Process(new TestPacket(TestFrames.FrameA, i));
            h.Close();
        }

        string dir = Path.Combine(_root, "2024050612");
        Assert.That(Directory.GetFiles(dir).Select(Path.GetFileName).Order(), Is.EqualTo(new[]
        {
            "pktminerg_dump_20240506120000.pcap",
            "pktminerg_dump_20240506120000_1.pcap",
            "pktminerg_dump_20240506120000_2.pcap",
        }));
        Assert.That(Directory.GetFiles(dir).Select(f => PcapFileReader.Read(f).Records.Count), Is.All.EqualTo(1));
    }

    [Test]
    public void Max_files_keeps_the_newest_complete_files_and_removes_emptied_hour_directories()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 10, 0), Offset);
        File.WriteAllText(Path.Combine(_root, "notes.txt"), "not ours");
        Directory.CreateDirectory(Path.Combine(_root, "2024050601"));
        File.WriteAllText(Path.Combine(_root, "2024050601", "other.pcap"), "not ours");
        Directory.CreateDirectory(Path.Combine(_root, "2024050600"));
        File.WriteAllBytes(Path.Combine(_root, "2024050600", "pktminerg_dump_20240506000000.pcap"), new PcapBuilder().ToArray());

        using FileOutputHarness h = Create(clock, interval: 1800, maxFiles: 2);
        DateTime boundary = new(2024, 5, 6, 9, 30, 0);
        for (int i = 0; i < 6; i++)
        {
            h.Process(new TestPacket(TestFrames.FrameA, i));
            clock.AdvanceToLocal(boundary.AddSeconds(1.1));
            h.TickEncoder();
            h.TickTransport();
            boundary = boundary.AddMinutes(30);
        }

        // Written: 09:10, 09:30, 10:00, 10:30, 11:00, 11:30 complete, 12:00 in progress.
        string[] all = Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_root, f)).Order().ToArray();
        Assert.That(all, Is.EqualTo(new[]
        {
            Path.Combine("2024050601", "other.pcap"),
            Path.Combine("2024050611", "pktminerg_dump_20240506110000.pcap"),
            Path.Combine("2024050611", "pktminerg_dump_20240506113000.pcap"),
            Path.Combine("2024050612", "pktminerg_dump_20240506120000.pcap.part"),
            "notes.txt",
        }));
        Assert.That(Directory.Exists(Path.Combine(_root, "2024050609")), Is.False, "an emptied hour directory is removed");
        Assert.That(Directory.Exists(Path.Combine(_root, "2024050600")), Is.False, "files of an earlier run count too");
        Assert.That(Frames(Complete("2024050611", "pktminerg_dump_20240506113000.pcap")), Is.EqualTo(new[] { TestFrames.FrameA }));
    }

    [Test]
    public void A_part_file_left_by_an_unclean_stop_is_cut_to_whole_records_and_completed()
    {
        string dir = Path.Combine(_root, "2024050608");
        Directory.CreateDirectory(dir);
        byte[] whole = new PcapBuilder(snaplen: 262144).Add(TestFrames.FrameA, 1).Add(TestFrames.FrameB, 2).ToArray();
        File.WriteAllBytes(Path.Combine(dir, "pktminerg_dump_20240506080000.pcap.part"), [.. whole, .. new byte[] { 1, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0, 2, 2 }]);
        File.WriteAllText(Path.Combine(dir, "foreign.pcap.part"), "not ours");

        using (FileOutputHarness h = Create(ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 0, 0), Offset), interval: 60))
        {
            Assert.That(h.Logger.Count(LogLevel.Warning, "left unfinished by a run that did not stop cleanly (18 bytes"), Is.EqualTo(1), h.Logger.ToString());
        }

        string completed = Path.Combine(dir, "pktminerg_dump_20240506080000.pcap");
        Assert.That(File.ReadAllBytes(completed), Is.EqualTo(whole));
        Assert.That(PcapTools.TcpdumpCount(completed), Is.EqualTo(2));
        Assert.That(File.Exists(Path.Combine(dir, "foreign.pcap.part")), Is.True);
    }

    [Test]
    public void Interval_zero_never_rotates()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 59, 0), Offset);
        using FileOutputHarness h = Create(clock, interval: 0);
        h.Process(new TestPacket(TestFrames.FrameA, 1));
        for (int i = 0; i < 5; i++)
        {
            clock.Advance(TimeSpan.FromHours(1));
            h.TickEncoder();
            h.TickTransport();
            h.Process(new TestPacket(TestFrames.FrameB, 2 + i));
        }

        h.Close();
        Assert.That(Directory.GetFiles(_root, "*", SearchOption.AllDirectories), Is.EqualTo(new[] { Complete("2024050609", "pktminerg_dump_20240506095900.pcap") }));
        Assert.That(PcapFileReader.Read(Complete("2024050609", "pktminerg_dump_20240506095900.pcap")).Records, Has.Count.EqualTo(6));
    }

    [Test]
    public void A_removed_file_root_is_recreated_and_nothing_is_lost()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 10, 20, 0), Offset);
        using FileOutputHarness h = Create(clock, interval: 3600);
        h.Process(TestPacket.Random(3, seed: 1));
        FlushNow(h, clock);
        Directory.Delete(_root, recursive: true);

        List<TestPacket> later = TestPacket.Random(4, seed: 2);
        h.Process(later);
        FlushNow(h, clock); // written at 10:20:01.2
        h.Close();
        Assert.That(Frames(Complete("2024050610", "pktminerg_dump_20240506102001.pcap")), Is.EqualTo(later.Select(p => p.Frame)));
        Assert.That(h.Logger.Count(LogLevel.Warning, "was removed or moved while being written"), Is.EqualTo(1), h.Logger.ToString());
        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That((c.ForwardedPackets, c.ErrorDropPackets), Is.EqualTo((7L, 0L)));
    }

    [Test]
    public void Write_failures_are_counted_and_the_output_recovers_into_a_new_file()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 10, 20, 0), Offset);
        using FileOutputHarness h = Create(clock, interval: 3600);
        Directory.Delete(_root, recursive: true);
        File.WriteAllText(_root, "blocker");
        List<TestPacket> lost = TestPacket.Random(6, seed: 1);
        h.Process(lost);
        FlushNow(h, clock);
        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That((c.ErrorDropPackets, c.ErrorDropBytes), Is.EqualTo((6L, lost.Sum(p => (long)p.Frame.Length))));
        Assert.That(h.Logger.Count(LogLevel.Error, "cannot create a new file"), Is.EqualTo(1), h.Logger.ToString());

        File.Delete(_root);
        h.Process(new TestPacket(TestFrames.FrameA, 1));
        FlushNow(h, clock); // 10:20:01.2
        h.Close();
        Assert.That(Frames(Complete("2024050610", "pktminerg_dump_20240506102001.pcap")), Is.EqualTo(new[] { TestFrames.FrameA }));
        Assert.That(h.Counters.Snapshot().HandedPackets, Is.EqualTo(7));
    }

    [Category(TestCategories.Root)]
    [Test]
    public void A_full_disk_completes_valid_files_counts_the_loss_and_recovers()
    {
        (int code, _, string err) = Run.Command("mount", $"-t tmpfs -o size=256k tmpfs {_root}");
        if (code != 0)
        {
            Assert.Ignore($"cannot mount a small tmpfs here: {err}");
        }

        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 10, 20, 0), Offset);
        using FileOutputHarness h = Create(clock, interval: 3600);
        long handed = 0;
        for (int i = 0; i < 100 && h.Counters.Snapshot().ErrorDropPackets == 0; i++)
        {
            h.Process(TestPacket.Random(20, seed: i, 1000, 1000));
            handed += 20;
            FlushNow(h, clock);
        }

        OutputCounterSnapshot c = h.Counters.Snapshot();
        Assert.That(c.ErrorDropPackets, Is.Positive, "the disk never filled");
        string[] files = Directory.GetFiles(_root, "*", SearchOption.AllDirectories);
        Assert.That(files, Has.All.EndsWith(".pcap"), "a file that failed is completed, not left as .part");
        Assert.That(files.Sum(f => PcapFileReader.Read(f).Records.Count), Is.EqualTo(c.ForwardedPackets));

        foreach (string f in files)
        {
            File.Delete(f);
        }

        h.Process(new TestPacket(TestFrames.FrameA, 1));
        handed++;
        FlushNow(h, clock);
        h.Close();
        string[] recovered = Directory.GetFiles(_root, "*", SearchOption.AllDirectories);
        Assert.That(recovered, Has.Length.EqualTo(1));
        Assert.That(Frames(recovered[0]), Is.EqualTo(new[] { TestFrames.FrameA }));
        Assert.That(h.Counters.Snapshot().HandedPackets, Is.EqualTo(handed));
    }

    [Test]
    public void An_output_that_never_runs_touches_nothing()
    {
        string dir = Path.Combine(_root, "2024050608");
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, "pktminerg_dump_20240506080000.pcap.part"), new PcapBuilder().ToArray());
        Create(ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 0, 0), Offset), interval: 60, start: false).Abandon();
        Assert.That(Directory.GetFileSystemEntries(_root, "*", SearchOption.AllDirectories), Is.EqualTo(new[] { dir, Path.Combine(dir, "pktminerg_dump_20240506080000.pcap.part") }));
    }

    [Test]
    public void Max_file_size_completes_files_before_they_pass_the_size_and_keeps_every_packet_in_order()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 0, 0), Offset);
        List<TestPacket> packets = TestPacket.Random(4000, seed: 7, minLength: 500, maxLength: 1514);
        using (var h = new FileOutputHarness(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = _root, MaxFileIntervalSeconds = 3600, MaxFileSizeBytes = 1024 * 1024 }, clock))
        {
            for (int i = 0; i < packets.Count; i += 100)
            {
                h.Process(packets.Skip(i).Take(100));
                clock.Advance(TimeSpan.FromMilliseconds(10));
                if (i == 2000)
                {
                    h.Sync();
                    Assert.That(Directory.GetFiles(_root, "*.pcap.part", SearchOption.AllDirectories), Has.Length.EqualTo(1), "the file being written is .part");
                }
            }

            h.Close();
        }

        string[] files = Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        long total = packets.Sum(p => 16L + p.Frame.Length) + 24;
        Assert.That(files, Has.Length.GreaterThanOrEqualTo((int)(total / (1024 * 1024)) + 1), string.Join("\n", files));
        Assert.That(files, Has.All.EndsWith(".pcap"), "every file completed");
        Assert.That(files.Select(f => new FileInfo(f).Length), Has.All.LessThanOrEqualTo(1024 * 1024));
        Assert.That(files.Sum(PcapTools.TcpdumpCount), Is.EqualTo(packets.Count), "tcpdump reads every file");
        Assert.That(PcapTools.TsharkCount(files[1]), Is.GreaterThan(0));
        Assert.That(files.SelectMany(f => PcapFileReader.Read(f).Records.Select(r => r.Data)), Is.EqualTo(packets.Select(p => p.Frame)), "in order, once");
    }

    [Test]
    public void Max_file_size_and_the_time_rule_combine()
    {
        ManualClock clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 0, 30), Offset);
        List<TestPacket> packets = TestPacket.Random(1200, seed: 8, minLength: 1000, maxLength: 1514);
        using (var h = new FileOutputHarness(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = _root, MaxFileIntervalSeconds = 60, MaxFileSizeBytes = 1024 * 1024 }, clock))
        {
            h.Process(packets.Take(1000)); // ~1.25 MB: a size rotation within the minute
            FlushNow(h, clock);
            clock.AdvanceToLocal(new DateTime(2024, 5, 6, 9, 1, 5));
            h.Process(packets.Skip(1000)); // the next minute: a time rotation
            h.Close();
        }

        string[] names = Directory.GetFiles(Path.Combine(_root, "2024050609")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.That(names, Has.Length.EqualTo(3), string.Join("\n", names));
        Assert.That(names[0], Is.EqualTo("pktminerg_dump_20240506090030.pcap"));
        Assert.That(names[2], Does.StartWith("pktminerg_dump_2024050609010"), "the minute's file");
        Assert.That(names.Sum(n => PcapTools.TcpdumpCount(Path.Combine(_root, "2024050609", n!))), Is.EqualTo(1200));
    }

    [Test]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void A_missing_file_root_is_created_with_mode_0750_and_written_to()
    {
        string missing = Path.Combine(_root, "new", "root");
        var clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 9, 0, 0), Offset);
        using (var h = new FileOutputHarness(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = missing, MaxFileIntervalSeconds = 60 }, clock))
        {
            h.Process(new TestPacket(TestFrames.FrameA, 1));
            h.Close();
        }

        Assert.That(File.GetUnixFileMode(missing) & ~(UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute), Is.EqualTo(UnixFileMode.None), "nothing for others");
        Assert.That(File.GetUnixFileMode(missing).HasFlag(UnixFileMode.UserWrite | UnixFileMode.UserExecute), Is.True);
        string file = Path.Combine(missing, "2024050609", "pktminerg_dump_20240506090000.pcap");
        Assert.That(PcapTools.TcpdumpCount(file), Is.EqualTo(1));
    }

    [Test]
    public void A_file_root_that_cannot_be_created_fails_the_start_with_a_clear_message()
    {
        string blocker = Path.Combine(_root, "a-file");
        File.WriteAllText(blocker, "");
        string missing = Path.Combine(blocker, "root");
        var ex = Assert.Throws<OutputStartException>(() =>
            _ = new FileOutputHarness(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = missing }, new ManualClock(DateTimeOffset.UnixEpoch)));
        Assert.That(ex!.Message, Does.Contain($"file_root {missing} does not exist and cannot be created"));
    }

    private static IEnumerable<byte[]> Frames(string path) => PcapFileReader.Read(path).Records.Select(r => r.Data);

    private static void FlushNow(FileOutputHarness h, ManualClock clock)
    {
        clock.Advance(TimeSpan.FromMilliseconds(600));
        h.TickEncoder();
        h.Sync();
    }

    private string Complete(string hour, string name) => Path.Combine(_root, hour, name);

    private FileOutputHarness Create(ManualClock clock, int interval, int maxFiles = 0, bool start = true) =>
        new(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = _root, MaxFileIntervalSeconds = interval, MaxFiles = maxFiles }, clock, start: start);
}
