using Cpworker.Tests.Support;

namespace Cpworker.Tests.Fuzzing;

/// <summary>
/// Every seed of every fuzz target, the crash inputs kept as seeds among them, runs through the
/// uninstrumented harness without an exception on every test run, not only when AFL++ is fuzzing
/// (docs/fuzzing.md): a finding that came back would fail here.
/// </summary>
public class FuzzCorpusTests
{
    [TestCase("config")]
    [TestCase("direction")]
    [TestCase("pcap")]
    [TestCase("pcapng")]
    [TestCase("frame")]
    [TestCase("control")]
    public void Every_seed_runs_without_a_crash(string target)
    {
        string configuration = Path.GetFileName(Path.GetDirectoryName(TestContext.CurrentContext.TestDirectory))!; // bin/CONFIGURATION/net10.0
        string harness = Repository.PathOf("Cpworker.Fuzz", "bin", configuration, "net10.0", "Cpworker.Fuzz.dll");
        Assert.That(File.Exists(harness), Is.True, $"{harness} is missing: build Cpworker.sln (./build.sh test does)");
        string corpus = Repository.PathOf("Cpworker.Fuzz", "corpus", target);
        int seeds = Directory.GetFiles(corpus, "*", SearchOption.AllDirectories).Length;
        var (code, stdout, stderr) = Run.Command("dotnet", $"{harness} {target} {corpus}", timeoutMs: 60_000);
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        Assert.That(stdout, Does.Contain($"{target}: {seeds} input(s) ran without a crash"));
    }
}
