using Cpworker.Benchmarks.Generation;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>The same replay under rtc and under pipeline writes byte-identical files.</summary>
public class BothModelsTests : DaemonTestBase
{
    [Test]
    public void The_same_replay_gives_byte_identical_files_under_both_models()
    {
        string input = Path.Combine(Dir, "mixed.pcap");
        MixedCaptureGenerator.Write(input, packets: 30_000, seed: 5);
        var outputs = new Dictionary<string, string>();
        foreach (string model in new[] { "rtc", "pipeline" })
        {
            string outFile = Path.Combine(Dir, $"{model}.pcap");
            string sliced = Path.Combine(Dir, $"{model}-sliced.pcap");
            string config = WriteConfig(
                new
                {
                    execution_model = model,
                    pipeline = new { buffer_size_mb = 4 },
                    tasks = new[]
                    {
                        new
                        {
                            capturer = new { type = "pcap_file", pcap_file = new { file_name = input } },
                            outputs = new object[]
                            {
                                new { type = "file", file = new { name = outFile } },
                                new { type = "file", slice = 128, rate_limit_mbps = 100, file = new { name = sliced } },
                            },
                        },
                    },
                },
                $"{model}.json");
            using var daemon = DaemonProcess.Start($"run -c {config} --exit-at-eof");
            Assert.That(daemon.WaitForExit(30_000), Is.EqualTo(0), daemon.Output);
            outputs[model] = outFile;
            outputs[model + "-sliced"] = sliced;
        }

        Assert.That(File.ReadAllBytes(outputs["pipeline"]), Is.EqualTo(File.ReadAllBytes(outputs["rtc"])), "whole frames");
        Assert.That(File.ReadAllBytes(outputs["pipeline-sliced"]), Is.EqualTo(File.ReadAllBytes(outputs["rtc-sliced"])), "sliced and rate-limited");
        AssertRecordsArePrefix(PcapFileReader.Read(input), PcapFileReader.Read(outputs["rtc"]), complete: true);
        PcapFileReader sliced128 = PcapFileReader.Read(outputs["rtc-sliced"]);
        Assert.That(sliced128.Snaplen, Is.EqualTo(128));
        Assert.That(sliced128.Records, Has.Count.LessThan(30_000), "30 ms of packet time at 100 Mbit/s is rate limited");
        Assert.That(sliced128.Records.Max(r => r.CaptureLength), Is.EqualTo(128));
    }
}
