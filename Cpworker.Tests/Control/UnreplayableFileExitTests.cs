using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// A replay of a file that can never be replayed (empty, garbage, a directory, a FIFO, pcapng
/// without an interface), or with <c>req_pattern</c> <c>auto</c> (which needs a capture interface's
/// MAC) fails permanently: with <c>--exit-at-eof</c> the daemon ends with exit
/// code 1 instead of retrying every 5 s forever (docs/operations.md, "Task failures").
/// </summary>
[CancelAfter(60_000)]
public class UnreplayableFileExitTests
{
    [TestCase("empty")]
    [TestCase("garbage")]
    [TestCase("directory")]
    [TestCase("fifo")]
    [TestCase("pcapng without interface")]
    [TestCase("req_pattern auto")]
    public void The_daemon_exits_1_at_once_with_exit_at_eof(string kind)
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            string file = Path.Combine(dir, "in.pcap");
            switch (kind)
            {
                case "empty": File.WriteAllBytes(file, []); break;
                case "garbage": File.WriteAllText(file, "this is not a capture at all, not even close"); break;
                case "directory": Directory.CreateDirectory(file); break;
                case "fifo": Run.Checked("mkfifo", file); break;
                case "req_pattern auto": new PcapBuilder().Add(TestFrames.FrameA, 1_000_000_000).WriteTo(file); break;
                default: File.WriteAllBytes(file, Convert.FromHexString("0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000")); break;
            }

            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, $"{{\"tasks\":[{{\"name\":\"bad\",{(kind == "req_pattern auto" ? "\"req_pattern\":{\"type\":\"auto\"}," : "")}\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{file}\"}}}},\"outputs\":[{{\"type\":\"null\"}}]}}]}}");
            var log = new LogCapture();
            (bool ended, int exitCode) = ExitAtEofRun.Run(configPath, log, 15_000);
            Assert.That(ended, Is.True, "the run ends by itself: " + log.Text);
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), log.Text);
            Assert.That(log.Contains("retrying in"), Is.False, "a permanent failure is not retried: " + log.Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
