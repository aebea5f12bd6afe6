using System.Globalization;
using System.Text.Json.Nodes;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// Retries in the real daemon (issue 10, item 3; docs/operations.md, "Task failures"): a task whose
/// interface is missing is retried after 5, 10, 20, 40 s (at most 60), its failure logged once at
/// error level and then at debug until a minute has passed; a task that can never work (a replay
/// of a file that is no pcap file) is logged once and never retried.
/// </summary>
[Category(TestCategories.Root)]
[CancelAfter(120_000)]
[NonParallelizable]
public class TaskBackoffEndToEndTests
{
    [Test]
    public void A_missing_interface_backs_off_with_few_error_lines_and_a_permanent_failure_is_logged_once()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            string garbage = Path.Combine(dir, "garbage.pcap");
            File.WriteAllBytes(garbage, [0]);
            string iface = "cpwgone" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture);
            string config = Path.Combine(dir, "c.json");
            File.WriteAllText(config, $$$"""
                {"log_level":"DEBUG","tasks":[
                  {"name":"gone","capturer":{"type":"libpcap","libpcap":{"interface":"{{{iface}}}"}},"outputs":[]},
                  {"name":"bad","capturer":{"type":"pcap_file","pcap_file":{"file_name":"{{{garbage}}}"}},"outputs":[]}]}
                """);
            using DaemonProcess d = DaemonProcess.Start($"run --log-format json -c \"{config}\"", dir);

            // Four attempts of "gone": at 0, 5, 15 and 35 s. Waiting for the fourth is the only wait.
            List<JsonObject> Failures() => d.Lines
                .Where(l => l.StartsWith('{'))
                .Select(l => (JsonObject)JsonNode.Parse(l)!)
                .Where(e => ((string?)e["Message"])!.StartsWith($"gone: cannot capture on {iface}", StringComparison.Ordinal))
                .ToList();
            Assert.That(Run.Until(() => Failures().Count >= 4, 60_000, pollMs: 100), Is.True, d.Output);
            List<JsonObject> failures = Failures();

            Assert.That(failures.Select(e => (string?)e["State"]!["Retry"]).Take(4), Is.EqualTo(new[] { "5 s", "10 s", "20 s", "40 s" }), d.Output);
            DateTimeOffset[] at = failures.Take(4).Select(e => DateTimeOffset.Parse((string)e["Timestamp"]!, CultureInfo.InvariantCulture)).ToArray();
            double[] gaps = [.. at.Zip(at.Skip(1), (a, b) => (b - a).TotalSeconds)];
            TestContext.Out.WriteLine($"gaps between attempts: {string.Join(", ", gaps.Select(g => g.ToString("F2", CultureInfo.InvariantCulture)))} s");
            double[] planned = [5, 10, 20];
            for (int i = 0; i < gaps.Length; i++)
            {
                // Never early; late only by the time an attempt takes on a loaded machine.
                Assert.That(gaps[i], Is.InRange(planned[i] - 0.1, planned[i] + 3), $"gap {i + 1}: {d.Output}");
            }

            // Throttled: one error line, the repeats at debug level (within the first minute).
            Assert.That(failures.Take(4).Select(e => (string?)e["LogLevel"]), Is.EqualTo(new[] { "Error", "Debug", "Debug", "Debug" }), d.Output);

            // The permanent failure: logged once, at error level, and never tried again while "gone" was retried three times.
            string[] bad = [.. d.Lines.Where(l => l.Contains("\"Task\":\"bad\"", StringComparison.Ordinal) && l.Contains("not a pcap file", StringComparison.Ordinal))];
            Assert.That(bad, Has.Length.EqualTo(1), d.Output);
            Assert.That(bad[0], Does.Contain("not retrying: this cannot work until the configuration changes").And.Contain("\"LogLevel\":\"Error\""));

            d.Signal(15);
            Assert.That(d.WaitForExit(10_000), Is.Zero, d.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
