using System.Diagnostics;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// Reload end to end with the real capture and file outputs: a <c>pcap_file</c> replayed at its
/// recorded pace into a <c>file</c> output keeps every packet, exactly once, through five reloads
/// that rebuild another task; the time a rebuilt task takes to forward again is measured.
/// </summary>
[CancelAfter(180_000)]
public class ReloadEndToEndTests
{
    [Test]
    public async Task A_paced_replay_into_a_file_loses_nothing_through_five_reloads_of_another_task()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            // Steady: 3000 packets 1 ms apart, replayed at recorded speed (about 3 s).
            var steady = new PcapBuilder();
            for (int i = 0; i < 3000; i++)
            {
                byte[] frame = (byte[])TestFrames.FrameA.Clone();
                BitConverter.TryWriteBytes(frame.AsSpan(frame.Length - 4), i); // each packet unique
                steady.Add(frame, 1_700_000_000_000_000_000 + i * 1_000_000L);
            }

            string steadyIn = steady.WriteTo(Path.Combine(dir, "steady.pcap"));
            var other = new PcapBuilder();
            for (int i = 0; i < 200; i++)
            {
                other.Add(TestFrames.FrameB, 1_700_000_000_000_000_000 + i * 1000L);
            }

            string otherIn = other.WriteTo(Path.Combine(dir, "other.pcap"));
            string steadyOut = Path.Combine(dir, "steady-out.pcap");
            string Config(int generation) =>
                "{\"tasks\":[" +
                $"{{\"name\":\"steady\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{steadyIn}\",\"speed\":1}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{steadyOut}\"}}}}]}}," +
                $"{{\"name\":\"other\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{otherIn}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{Path.Combine(dir, $"other-{generation}.pcap")}\"}}}}]}}]}}";
            string configPath = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(configPath, Config(0));
            var log = new LogCapture();
            var host = new DaemonHost(configPath, exitAtEof: false, log) { HandleSignals = false };
            Task<int> run = Task.Run(host.RunAsync);
            Assert.That(host.Started.Wait(20_000), Is.True, log.Text);
            CpworkerEngine engine = host.Engine!;
            Assert.That(Run.Until(() => engine.GetStatus()[0].Capture.Packets > 300, 20_000), Is.True, log.Text);

            var costs = new List<string>();
            for (int generation = 1; generation <= 5; generation++)
            {
                Assert.That(engine.GetStatus()[0].Capture.Packets, Is.LessThan(3000), "the reload happens while the steady replay runs; reloads so far: " + string.Join(", ", costs));
                File.WriteAllText(configPath, Config(generation));
                var clock = Stopwatch.StartNew();
                ReloadSummary? summary = await host.ReloadAsync();
                Assert.That(summary, Is.Not.Null, log.Text);
                Assert.That(summary!.Unchanged, Is.EqualTo(new[] { "steady" }));
                Assert.That(summary.Rebuilt, Is.EqualTo(new[] { "other" }));
                double applied = clock.Elapsed.TotalMilliseconds;
                // The rebuilt task captures again. (Its file output counts packets forwarded only once
                // a write returned, up to its 0.5 s flush later: waiting for that would let five
                // reloads outlast the steady replay they must overlap.)
                Assert.That(Run.Until(() => engine.GetStatus()[1].Capture.Packets > 0, 10_000, pollMs: 1), Is.True);
                costs.Add($"{applied:F0}/{clock.Elapsed.TotalMilliseconds:F0} ms");
            }

            TestContext.Out.WriteLine("reload applied / changed task capturing again: " + string.Join(", ", costs));
            Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs[0].Counters.ForwardedPackets == 3000, 20_000), Is.True, "the steady replay completes");
            host.RequestStop();
            Assert.That(run.Wait(10_000) && run.Result == 0, Is.True, log.Text);

            List<(long Timestamp, byte[] Frame)> got = PcapRecords.Read(steadyOut);
            Assert.That(got, Has.Count.EqualTo(3000), "every packet of the unchanged task, once");
            for (int i = 0; i < got.Count; i++)
            {
                Assert.That(BitConverter.ToInt32(got[i].Frame.AsSpan(got[i].Frame.Length - 4)), Is.EqualTo(i), $"record {i} in order");
            }

            for (int generation = 0; generation <= 5; generation++)
            {
                Assert.That(PcapRecords.Read(Path.Combine(dir, $"other-{generation}.pcap")), Has.Count.EqualTo(200), $"generation {generation} of the changed task wrote its replay");
            }

            Assert.That(log.Count("reload complete: 1 unchanged, 1 rebuilt (other)"), Is.EqualTo(5), log.Text);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
