using Cpworker.Engine.Runtime;
using Cpworker.Host.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// <c>run --watch-config</c> with the file laid out as a Kubernetes ConfigMap volume lays it out
/// (<c>cpworker.json → ..data/cpworker.json</c>, <c>..data → ..TIMESTAMP</c>) and updated as the
/// kubelet updates it: a new timestamped directory, a <c>..data_tmp</c> link renamed over
/// <c>..data</c>. The reload follows the SIGHUP rules: an unchanged task loses nothing, a bad
/// file changes nothing.
/// </summary>
[CancelAfter(120_000)]
public class ConfigWatchTests
{
    [Test]
    public void A_ConfigMap_symlink_swap_reloads_and_the_unchanged_task_loses_nothing()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            var steady = new PcapBuilder();
            for (int i = 0; i < 3000; i++)
            {
                byte[] frame = (byte[])TestFrames.FrameA.Clone();
                BitConverter.TryWriteBytes(frame.AsSpan(frame.Length - 4), i);
                steady.Add(frame, 1_700_000_000_000_000_000 + i * 1_000_000L);
            }

            string steadyIn = steady.WriteTo(Path.Combine(dir, "steady.pcap"));
            string steadyOut = Path.Combine(dir, "steady-out.pcap");
            string addedOut = Path.Combine(dir, "added-out.pcap");
            string steadyTask = $"{{\"name\":\"steady\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{steadyIn}\",\"speed\":1}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{steadyOut}\"}}}}]}}";
            string addedTask = $"{{\"name\":\"added\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{steadyIn}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{addedOut}\"}}}}]}}";

            string volume = Path.Combine(dir, "config-volume");
            Directory.CreateDirectory(volume);
            Publish(volume, 1, $"{{\"tasks\":[{steadyTask}]}}");
            File.CreateSymbolicLink(Path.Combine(volume, "cpworker.json"), "..data/cpworker.json");
            string configPath = Path.Combine(volume, "cpworker.json");

            var log = new LogCapture();
            var host = new DaemonHost(configPath, exitAtEof: false, log) { HandleSignals = false, WatchConfigInterval = TimeSpan.FromMilliseconds(100) };
            Task<int> run = Task.Run(host.RunAsync);
            Assert.That(host.Started.Wait(20_000), Is.True, log.Text);
            CpworkerEngine engine = host.Engine!;
            Assert.That(Run.Until(() => engine.GetStatus()[0].Capture.Packets > 200, 20_000), Is.True, log.Text);

            // 1. New content: the added task starts, the steady one is unchanged.
            Publish(volume, 2, $"{{\"tasks\":[{steadyTask},{addedTask}]}}");
            Assert.That(Run.Until(() => log.Count("reload complete: 1 unchanged, 0 rebuilt, 0 removed, 1 added (added)") == 1, 10_000), Is.True, log.Text);
            Assert.That(log.Text, Does.Contain("changed on disk (now ").And.Contain("..2"));

            // 2. The same bytes again under a new directory: no reload.
            Publish(volume, 3, $"{{\"tasks\":[{steadyTask},{addedTask}]}}");
            // 3. A broken file: logged, nothing changes.
            Publish(volume, 4, "{\"tasks\":[");
            Assert.That(Run.Until(() => log.Text.Contains("reload failed", StringComparison.Ordinal), 10_000), Is.True, log.Text);
            Assert.That(log.Count("reloading "), Is.EqualTo(2), "one reload for the new content, one for the broken file, none for identical bytes\n" + log.Text);
            Assert.That(engine.GetStatus().Select(s => s.Name), Is.EqualTo(new[] { "steady", "added" }));
            Assert.That(engine.GetStatus()[0].Capture.Packets, Is.LessThan(3000), "the swaps happened while the steady replay ran");

            Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs[0].Counters.ForwardedPackets == 3000, 20_000), Is.True, log.Text);
            host.RequestStop();
            Assert.That(run.Wait(10_000) && run.Result == 0, Is.True, log.Text);

            List<(long Timestamp, byte[] Frame)> got = PcapRecords.Read(steadyOut);
            Assert.That(got, Has.Count.EqualTo(3000), "every packet of the unchanged task, once");
            Assert.That(PcapRecords.Read(addedOut), Has.Count.EqualTo(3000), "the added task ran");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>What the kubelet's atomic writer does: a new timestamped directory, then <c>..data</c> swapped by rename.</summary>
    private static void Publish(string volume, int generation, string content)
    {
        string data = $"..2026_12_05_00_00_0{generation}.{generation}";
        Directory.CreateDirectory(Path.Combine(volume, data));
        File.WriteAllText(Path.Combine(volume, data, "cpworker.json"), content);
        string tmp = Path.Combine(volume, "..data_tmp");
        File.CreateSymbolicLink(tmp, data);
        Run.Checked("mv", $"-T {tmp} {Path.Combine(volume, "..data")}"); // rename(2) over the old link: atomic
    }
}
