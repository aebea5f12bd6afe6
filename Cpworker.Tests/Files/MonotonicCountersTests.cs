using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Capture;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Files;

/// <summary>
/// Published counters never go backwards (docs/operations.md, "Counters"), also while writes fail:
/// a 1 MB tmpfs fills under a <c>file</c> and a <c>rotating_file</c> output fed at ~1500 pkt/s, and
/// every snapshot taken meanwhile is at least the one before. The issue saw 3245 → 2942 → 3539 → 2820.
/// </summary>
[CancelAfter(60_000)]
public class MonotonicCountersTests
{
    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task Forwarded_and_error_drops_never_decrease_while_a_full_disk_fails_writes(ExecutionModel model)
    {
        using var dir = new TempDirectory();
        string mount = dir.File("tmpfs");
        Directory.CreateDirectory(mount);
        Run.Checked("mount", $"-t tmpfs -o size=1m cpw-test-tmpfs {mount}");
        try
        {
            const int packets = 3000;
            var pcap = new PcapBuilder(nanosecond: true);
            for (int i = 0; i < packets; i++)
            {
                pcap.Add(CaptureTestFrames.NumberedUdp(i, 280), 1_700_000_000_000_000_000 + i * 1_000_000L);
            }

            string input = pcap.WriteTo(dir.File("in.pcap"));
            string json =
                $"{{\"execution_model\":\"{model.ToString().ToLowerInvariant()}\",\"pipeline\":{{\"buffer_size_mb\":4}},\"tasks\":[{{\"name\":\"t\"," +
                $"\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\",\"speed\":1.5}}}}," +
                $"\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{mount}/f.pcap\"}}}}," +
                $"{{\"type\":\"rotating_file\",\"rotating_file\":{{\"file_root\":\"{mount}/r\",\"max_file_interval\":1}}}}]}}]}}";
            CpworkerConfig config = Configuration.ConfigTestSupport.Load(json).Config!;
            var log = new ListLogger();
            await using var engine = new CpworkerEngine(config, Configuration.ConfigTestSupport.Registry, log.Factory);
            engine.Start();

            var previous = new OutputCounterSnapshot[2];
            var problems = new List<string>();
            int samples = 0;
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                IReadOnlyList<OutputStatus> outputs = engine.GetStatus()[0].Outputs;
                for (int o = 0; o < 2; o++)
                {
                    OutputCounterSnapshot c = outputs[o].Counters;
                    if (c.ForwardedPackets < previous[o].ForwardedPackets || c.ErrorDropPackets < previous[o].ErrorDropPackets)
                    {
                        problems.Add($"{outputs[o].Name}: forwarded {previous[o].ForwardedPackets} → {c.ForwardedPackets}, errors {previous[o].ErrorDropPackets} → {c.ErrorDropPackets}");
                    }

                    previous[o] = c;
                }

                samples++;
                if (previous.All(c => c.HandedPackets == packets))
                {
                    break;
                }

                Thread.Sleep(1);
            }

            TestContext.Out.WriteLine($"{samples} samples; file: {previous[0]}; rotating: {previous[1]}");
            Assert.That(problems, Is.Empty, $"{problems.Count} decreases, e.g.: {string.Join("; ", problems.Take(5))}");
            Assert.That(previous.Select(c => c.HandedPackets), Is.All.EqualTo(packets), "every packet ends in exactly one outcome");
            Assert.That(previous.Select(c => c.ErrorDropPackets), Is.All.GreaterThan(0), "the disk did fill: " + log);
            Assert.That(previous.Select(c => c.ForwardedPackets), Is.All.GreaterThan(0));
        }
        finally
        {
            Run.Command("umount", $"-l {mount}");
        }
    }
}
