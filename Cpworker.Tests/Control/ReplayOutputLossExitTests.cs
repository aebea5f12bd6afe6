using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// A replay run with <c>--exit-at-eof</c> whose output could not write what it was given (here a
/// real 1 MiB tmpfs that fills up) did not do its job: the daemon says how many packets which output
/// lost and exits 1, where it used to exit 0 (docs/operations.md, "Task failures"). A run that
/// loses nothing still exits 0.
/// </summary>
[CancelAfter(60_000)]
public class ReplayOutputLossExitTests
{
    [TestCase(3_000, ExitCodes.Failure)]
    [TestCase(100, ExitCodes.Ok)]
    public void A_replay_whose_file_output_runs_out_of_space_exits_1_and_says_what_was_lost(int packets, int expected)
    {
        string dir = ControlFixture.NewDirectory();
        string mount = Path.Combine(dir, "tmpfs");
        Directory.CreateDirectory(mount);
        Run.Checked("mount", $"-t tmpfs -o size=1m cpw-test-tmpfs {mount}");
        try
        {
            // 3,000 frames of 1,000 bytes do not fit in 1 MiB; 100 do.
            byte[] frame = new byte[1000];
            TestFrames.FrameA.CopyTo(frame, 0);
            var capture = new PcapBuilder();
            for (int i = 0; i < packets; i++)
            {
                capture.Add(frame, 1_700_000_000_000_000_000L + i * 1000L);
            }

            string file = capture.WriteTo(Path.Combine(dir, "in.pcap"));
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, $"{{\"tasks\":[{{\"name\":\"replay\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{file}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{mount}/out.pcap\"}}}}]}}]}}");
            var log = new LogCapture();
            (bool ended, int exitCode) = ExitAtEofRun.Run(configPath, log, 30_000);
            Assert.That(ended, Is.True, "the run ends by itself: " + log.Text);
            Assert.That(exitCode, Is.EqualTo(expected), log.Text);
            if (expected == ExitCodes.Failure)
            {
                Assert.That(log.Text, Does.Match(@"--exit-at-eof: \d+ packet\(s\) were lost to output errors \(replay/file-0: \d+\); exit code 1"));
            }
            else
            {
                Assert.That(log.Text, Does.Not.Contain("lost to output errors"));
            }
        }
        finally
        {
            Run.Command("umount", $"-l {mount}");
            Directory.Delete(dir, recursive: true);
        }
    }
}
