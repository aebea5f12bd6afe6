using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// <c>--exit-at-eof</c> with a replay that can never work (docs/operations.md, "Task failures"): the
/// run still ends once the other replays are done, and its exit code says that one failed.
/// </summary>
[CancelAfter(60_000)]
public class ExitAtEofFailureTests
{
    [Test]
    public async Task A_run_whose_replay_failed_permanently_exits_with_code_1_after_the_others_end()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            var pcap = new PcapBuilder();
            for (int i = 0; i < 100; i++)
            {
                pcap.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
            }

            string input = pcap.WriteTo(Path.Combine(dir, "in.pcap"));
            string output = Path.Combine(dir, "out.pcap");
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath,
                "{\"tasks\":[" +
                $"{{\"name\":\"good\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{output}\"}}}}]}}," +
                $"{{\"name\":\"bad\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\"}}}},\"outputs\":[{{\"type\":\"null\"}}]}}]}}");
            var log = new LogCapture();

            // The second replay becomes one that fails for good when it opens (as a file that is not a pcap file does).
            var host = new DaemonHost(configPath, exitAtEof: true, log)
            {
                HandleSignals = false,
                AdaptConfig = c => c with
                {
                    Tasks = c.Tasks.Select(t => t.Name != "bad" ? t : t with
                    {
                        Capturer = new CustomCaptureConfig(() => new FakeSource([]) { FailOpen = "not a pcap file", FailOpenPermanently = true }) { IsReplay = true },
                    }).ToList(),
                },
            };
            Task<int> run = Task.Run(host.RunAsync);
            Assert.That(run.Wait(30_000), Is.True, "the run ends: " + log.Text);
            Assert.That(run.Result, Is.EqualTo(ExitCodes.Failure), log.Text);
            Assert.That(log.Contains("bad: not a pcap file; not retrying"), Is.True, log.Text);
            Assert.That(log.Contains("1 replay task(s) failed (bad)"), Is.True, log.Text);
            Assert.That(PcapRecords.Read(output), Has.Count.EqualTo(100), "the good replay completed its file");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
