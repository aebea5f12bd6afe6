using Cpworker.Outputs.RotatingFile;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Files;

/// <summary>
/// A <c>rotating_file</c> directory made unwritable across a rotation (docs/files.md, "Errors"; here
/// with <c>chattr +i</c>, which holds for root too, while the open file stays writable): the file
/// left <c>.part</c> is completed as soon as writing works again, without a restart, and the start
/// of the read-only spell is logged even though a disk-full error of the same minute used the
/// once-a-minute allowance. Run once per lane kind, on a real tmpfs.
/// </summary>
public abstract class FailureSpellContract
{
    private string _root = null!;

    /// <summary>The lane kind of this run.</summary>
    protected abstract LaneKind Kind { get; }

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("cpwt-spell-").FullName;
        (int code, _, string err) = Run.Command("mount", $"-t tmpfs -o size=256k cpw-test-tmpfs {_root}");
        if (code != 0)
        {
            Assert.Ignore($"cannot mount a small tmpfs here: {err}");
        }
    }

    [TearDown]
    public void TearDown()
    {
        Run.Command("chattr", $"-R -i {_root}", 10_000);
        Run.Command("umount", $"-l {_root}", 10_000);
        Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void A_part_file_left_by_a_read_only_spell_is_completed_when_writing_resumes_and_each_spell_start_is_logged()
    {
        var clock = ManualClock.AtLocal(new DateTime(2024, 5, 6, 10, 20, 50), TimeSpan.Zero);
        using var h = new FileOutputHarness(Kind, new RotatingFileOutputType(), new RotatingFileSettings { FileRoot = _root, MaxFileIntervalSeconds = 60 }, clock);
        string first = Path.Combine(_root, "2024050610", "pktminerg_dump_20240506102050.pcap");

        // Spell 1, disk full: its start is logged and uses the minute's allowance.
        string filler = Path.Combine(_root, "filler");
        Fill(filler);
        h.Process(TestPacket.Random(20, seed: 1, 1000, 1000));
        Flush(h, clock);
        Assert.That(h.Logger.Count(LogLevel.Error, "No space left on device"), Is.EqualTo(1), h.Logger.ToString());
        File.Delete(filler);
        h.Process(TestPacket.Random(2, seed: 2));
        Flush(h, clock);
        Assert.That(h.Logger.Contains("writing again"), Is.True, h.Logger.ToString());

        // Spell 2, the directory unwritable, across the rotation at 10:21:00, within the same minute of logging.
        string hour = Path.Combine(_root, "2024050610");
        Run.Checked("chattr", $"+i {hour}");
        clock.Advance(TimeSpan.FromSeconds(10)); // 10:21:01.2
        h.Process(TestPacket.Random(3, seed: 3));
        Flush(h, clock);
        Assert.That(h.Logger.Count(LogLevel.Error, "cannot complete"), Is.EqualTo(1), "the second spell's start is logged: " + h.Logger);
        string[] part = Directory.GetFiles(_root, "*.part", SearchOption.AllDirectories);
        Assert.That(part, Has.Length.EqualTo(1), "the file of 10:20 could not be completed");

        // Writing works again: the .part is completed at the next tick or buffer, the daemon still running.
        Run.Checked("chattr", $"-i {hour}");
        clock.Advance(TimeSpan.FromSeconds(2));
        h.TickTransport();
        h.Sync();
        Assert.That(File.Exists(part[0]), Is.False, "completed without a restart: " + h.Logger);
        Assert.That(File.Exists(part[0][..^".part".Length]), Is.True);
        Assert.That(h.Logger.Contains("which an earlier failure had left unfinished"), Is.True);
        Assert.That(PcapTools.TcpdumpCount(part[0][..^".part".Length]), Is.GreaterThan(0));
        Assert.That(File.Exists(first), Is.True, "the file of the disk-full spell was completed at once (holding what was written before it)");
    }

    private static void Flush(FileOutputHarness h, ManualClock clock)
    {
        clock.Advance(TimeSpan.FromMilliseconds(600));
        h.TickEncoder();
        h.Sync();
    }

    /// <summary>Writes <paramref name="path"/> until the file system is full.</summary>
    private static void Fill(string path)
    {
        using FileStream f = File.Create(path);
        byte[] block = new byte[4096];
        try
        {
            for (int i = 0; i < 1024; i++)
            {
                f.Write(block);
                f.Flush();
            }
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>The failure-spell contract under rtc.</summary>
public sealed class FailureSpellRtcTests : FailureSpellContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Rtc;
}

/// <summary>The failure-spell contract under pipeline.</summary>
public sealed class FailureSpellPipelineTests : FailureSpellContract
{
    /// <inheritdoc/>
    protected override LaneKind Kind => LaneKind.Pipeline;
}
