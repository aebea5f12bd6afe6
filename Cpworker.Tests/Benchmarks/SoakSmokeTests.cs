using System.Xml.Linq;
using Cpworker.Benchmarks.Soak;

namespace Cpworker.Tests.Benchmarks;

/// <summary>
/// <c>soak</c> end to end, briefly: live veth traffic into rotating files and VXLAN, with reloads;
/// the run ends by itself, leaves no namespace or process behind, and writes a table, a CSV and a
/// chart whose figures are the daemon's.
/// </summary>
public class SoakSmokeTests
{
    [Test]
    [CancelAfter(120_000)]
    public void A_short_soak_samples_the_daemon_reports_and_cleans_up()
    {
        string dir = Directory.CreateTempSubdirectory("cpw-soak-smoke-").FullName;
        try
        {
            var log = new StringWriter();
            int code = SoakCommand.Run(["--minutes", "0.4", "--pps", "100", "--sample-seconds", "4", "--reload-minutes", "0.15", "--rotate-seconds", "5", "--out", dir], log);
            Assert.That(code, Is.EqualTo(0), log.ToString());

            string[] csv = File.ReadAllLines(Path.Combine(dir, "soak.csv"));
            Assert.That(csv, Has.Length.GreaterThanOrEqualTo(5), "a header and a sample every 4 s of 24 s");
            string[] last = csv[^1].Split(',');
            Assert.That(long.Parse(last[1]), Is.GreaterThan(10_000), "RSS in kB");
            Assert.That(long.Parse(last[4]), Is.GreaterThan(500), "captured: 100 pkt/s for 24 s");
            Assert.That(long.Parse(last[5]), Is.EqualTo(2 * long.Parse(last[4])).Within(2 * 100), "forwarded by both outputs");
            Assert.That(long.Parse(last[8]), Is.GreaterThan(500), "the VXLAN receiver got them");
            Assert.That(long.Parse(last[9]), Is.GreaterThanOrEqualTo(1), "rotated files were completed");
            string md = File.ReadAllText(Path.Combine(dir, "soak.md"));
            Assert.That(md, Does.Contain("slope per hour").And.Contain("Problems: none").And.Contain("2 reloads"));
            Assert.That(XDocument.Load(Path.Combine(dir, "soak.svg")).Root!.Name.LocalName, Is.EqualTo("svg"));
            Assert.That(Support.Run.Checked("ip", "netns list"), Does.Not.Contain($"cpwb-{Environment.ProcessId % 1_000_000:x}"), "the namespace is removed");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void The_slope_is_the_least_squares_growth_per_hour()
    {
        var samples = Enumerable.Range(0, 10).Select(i => new SoakSample(i, 1000 + 30 * i, 16, 90 + (i % 2), 0, 0, 0, 0, 0, 0)).ToList();
        Assert.That(SoakReport.SlopePerHour(samples, s => s.RssKb), Is.EqualTo(1800).Within(1e-9), "30 kB a minute");
        Assert.That(SoakReport.SlopePerHour(samples, s => s.Threads), Is.EqualTo(0));
        Assert.That(SoakReport.SlopePerHour(samples, s => s.Fds), Is.EqualTo(60.0 / 33).Within(1e-9), "0,1,0,1…: a slope of 1/33 a minute");
    }
}
