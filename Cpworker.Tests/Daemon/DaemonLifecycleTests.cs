using System.Diagnostics;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>The real daemon process: signals, exit codes, files complete after a stop.</summary>
public class DaemonLifecycleTests : DaemonTestBase
{
    [Test]
    public void Sigterm_in_the_middle_of_a_replay_exits_0_within_3_s_with_complete_files()
    {
        // 20 s of recorded traffic replayed at its own pace: the stop comes in the middle.
        string input = WriteCapture(20_000, spacingNanos: 1_000_000);
        string outFile = Path.Combine(Dir, "out.pcap");
        string rotRoot = Directory.CreateDirectory(Path.Combine(Dir, "rot")).FullName;
        string config = WriteConfig(new
        {
            tasks = new[]
            {
                new
                {
                    capturer = new { type = "pcap_file", pcap_file = new { file_name = input, speed = 1 } },
                    outputs = new object[]
                    {
                        new { type = "file", file = new { name = outFile } },
                        new { type = "rotating_file", rotating_file = new { file_root = rotRoot, max_file_interval = 60 } },
                    },
                },
            },
        });

        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);
        // Data reaches the file within about a second (flush rule); then stop in mid-replay.
        Assert.That(Run.Until(() => File.Exists(outFile) && new FileInfo(outFile).Length > 100_000, 10_000), Is.True, daemon.Output);
        var clock = Stopwatch.StartNew();
        daemon.Signal(15);
        int? exit = daemon.WaitForExit(5000);
        Assert.That(exit, Is.EqualTo(0), daemon.Output);
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(3000), "stop within 3 s");

        PcapFileReader expected = PcapFileReader.Read(input);
        PcapFileReader written = PcapFileReader.Read(outFile); // strict: a torn record fails here
        Assert.That(written.Records, Is.Not.Empty);
        Assert.That(written.Records.Count, Is.LessThan(expected.Records.Count), "the stop came in the middle of the replay");
        AssertRecordsArePrefix(expected, written, complete: false);

        Assert.That(Directory.GetFiles(rotRoot, "*.part", SearchOption.AllDirectories), Is.Empty, "no .part file after a clean stop");
        string[] rotated = Directory.GetFiles(rotRoot, "*.pcap", SearchOption.AllDirectories);
        Assert.That(rotated, Is.Not.Empty);
        int rotatedRecords = rotated.Sum(f => PcapFileReader.Read(f).Records.Count);
        Assert.That(rotatedRecords, Is.EqualTo(written.Records.Count), "both outputs got the same packets");
        Assert.That(PcapTools.TcpdumpCount(outFile), Is.EqualTo(written.Records.Count));
    }

    [TestCase("rtc")]
    [TestCase("pipeline")]
    public void Exit_at_eof_replays_everything_then_exits_0(string model)
    {
        string input = WriteCapture(5000, spacingNanos: 1000);
        string outFile = Path.Combine(Dir, "out.pcap");
        string config = WriteConfig(new
        {
            execution_model = model,
            pipeline = new { buffer_size_mb = 8 },
            tasks = new[]
            {
                new
                {
                    capturer = new { type = "pcap_file", pcap_file = new { file_name = input } },
                    outputs = new object[] { new { type = "file", file = new { name = outFile } } },
                },
            },
        });

        using var daemon = DaemonProcess.Start($"-c {config} --exit-at-eof");
        Assert.That(daemon.WaitForExit(20_000), Is.EqualTo(0), daemon.Output);
        Assert.That(daemon.Lines.Any(l => l.Contains("end of file")), Is.True, daemon.Output);
        AssertRecordsArePrefix(PcapFileReader.Read(input), PcapFileReader.Read(outFile), complete: true);
    }

    [Test]
    public void A_bad_config_exits_2_naming_every_problem()
    {
        string config = WriteConfig(new { execution_model = "fast", tasks = new[] { new { capturer = new { type = "libpcap", libpcap = new { snaplen = 10 } }, outputs = Array.Empty<object>() } } });
        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForExit(20_000), Is.EqualTo(2), daemon.Output);
        Assert.That(daemon.Output, Does.Contain("execution_model").And.Contain("tasks[0].capturer.libpcap.interface"));
    }

    [Test]
    public void Bad_arguments_exit_2()
    {
        using var daemon = DaemonProcess.Start("run --no-such-option");
        Assert.That(daemon.WaitForExit(20_000), Is.EqualTo(2), daemon.Output);
    }
}
