namespace Cpworker.Tests.Benchmarks;

/// <summary>
/// Every command of the benchmark harness answers <c>--help</c> and <c>-h</c> with its usage and
/// exit code 0, before it measures anything: <c>soak --help</c> said "unknown option", and
/// <c>fastpath --help</c> and <c>zmqspan --help</c> started a 1 M-packet run.
/// </summary>
public class BenchmarkHelpTests
{
    [TestCase("soak", "soak [--minutes N]")]
    [TestCase("compare", "-- compare [options]")]
    [TestCase("blast", "blast --interface IF")]
    [TestCase("fastpath", "-- fastpath [--outputs gre,vxlan]")]
    [TestCase("zmqspan", "-- zmqspan [--receivers c,python]")]
    public void Help_prints_the_usage_and_exits_0(string command, string usage)
    {
        foreach (string help in new[] { "--help", "-h" })
        {
            var log = new StringWriter();
            int code = Cpworker.Benchmarks.Program.Run([command, "--runs", "1", help], log);
            Assert.That(code, Is.EqualTo(0), log.ToString());
            Assert.That(log.ToString(), Does.Contain(usage).And.Not.Contain("unknown option").And.Not.Contain("load "), "no run started");
        }
    }
}
