using System.Text.Json;
using System.Xml.Linq;
using Cpworker.Benchmarks.Compare;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Benchmarks;

/// <summary>
/// <c>compare --smoke</c> end to end: the real daemon replays a 10,000-packet capture into every
/// output the harness can receive on loopback, under both models, and the report holds every
/// configuration with sane figures, as a table, as JSON that parses, and as an SVG.
/// </summary>
[Category(TestCategories.Root)]
public class CompareSmokeTests
{
    private static readonly string[] s_outputs = ["null", "file", "gre", "vxlan", "zmq"];

    [Test]
    [CancelAfter(60_000)]
    public void Smoke_run_reports_every_output_and_model()
    {
        string dir = Directory.CreateTempSubdirectory("cpw-smoke-").FullName;
        try
        {
            var log = new StringWriter();
            int code = CompareCommand.Run(
                ["--smoke", "--outputs", string.Join(',', s_outputs), "--cache", Path.Combine(dir, "cache"), "--out", Path.Combine(dir, "out")],
                log);
            Assert.That(code, Is.EqualTo(0), log.ToString());

            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "out", "compare.json")));
            JsonElement root = json.RootElement;
            Assert.That(root.GetProperty("capture").GetProperty("packets").GetInt64(), Is.EqualTo(10_000));
            JsonElement[] summary = root.GetProperty("summary").EnumerateArray().ToArray();
            foreach (string output in s_outputs)
            {
                foreach (string model in CompareOptions.AllModels)
                {
                    JsonElement row = summary.Single(r => r.GetProperty("subject").GetString() == "cpworker" &&
                                                          r.GetProperty("output").GetString() == output &&
                                                          r.GetProperty("model").GetString() == model);
                    string what = $"{output}/{model}: {row}";
                    Assert.That(row.GetProperty("runs").GetInt32(), Is.EqualTo(1), what);
                    Assert.That(row.GetProperty("failed_runs").GetInt32(), Is.EqualTo(0), what);
                    Assert.That(row.GetProperty("packets_per_second").GetDouble(), Is.GreaterThan(1000), what);
                    Assert.That(row.GetProperty("mbps").GetDouble(), Is.GreaterThan(1), what);
                    Assert.That(row.GetProperty("cpu_per_million").GetDouble(), Is.GreaterThan(0), what);
                    Assert.That(row.GetProperty("peak_rss_mb").GetDouble(), Is.InRange(10, 1024), what);
                    Assert.That(row.GetProperty("allocated_per_packet").GetDouble(), Is.GreaterThanOrEqualTo(0), what);
                    Assert.That(row.GetProperty("max_drops").GetInt64(), Is.EqualTo(0), what);
                }
            }

            foreach (JsonElement run in root.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("subject").GetString() == "cpworker"))
            {
                Assert.That(run.GetProperty("packets").GetInt64(), Is.EqualTo(10_000), run.ToString());
                Assert.That(run.GetProperty("forwarded").GetInt64(), Is.EqualTo(10_000), run.ToString());
                if (run.GetProperty("output").GetString() is "vxlan" or "zmq")
                {
                    // The loopback receivers really got the traffic (UDP may lose some at a full socket buffer).
                    Assert.That(run.GetProperty("received").GetInt64(), Is.GreaterThan(0), run.ToString());
                }
            }

            string table = File.ReadAllText(Path.Combine(dir, "out", "compare.md"));
            Assert.That(table, Does.Contain("| null ").And.Contain("| file ").And.Contain("pipeline"));
            XDocument svg = XDocument.Load(Path.Combine(dir, "out", "compare.svg"));
            Assert.That(svg.Root!.Name.LocalName, Is.EqualTo("svg"));
            Assert.That(svg.Descendants().Count(e => e.Name.LocalName == "rect"), Is.GreaterThan(4));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
