using System.Diagnostics;
using Cpworker.Engine.Configuration;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>$VAR expansion is bounded in size, time and in what its messages quote (docs/configuration.md, "Environment variables").</summary>
[TestFixture]
public class VariableExpansionBoundsTests
{
    private const string Pf = "tasks[0].capturer.pcap_file";
    private const string Replay = """tasks[0].capturer={"type":"pcap_file","pcap_file":{"file_name":"/data/in.pcap"}}""";

    [Test]
    public void A_huge_variable_used_thousands_of_times_is_refused_quickly_with_a_short_message()
    {
        var env = new Dictionary<string, string> { ["HUGEV"] = new string('x', 100_000) };
        string value = string.Concat(Enumerable.Repeat("${HUGEV}", 2000));
        var sw = Stopwatch.StartNew();
        ConfigLoadResult result = Load(Edit(Minimal, Replay, $"{Pf}.file_name=\"{value}\""), env);
        sw.Stop();

        AssertSingleError(result, Pf + ".file_name", "expands to more than 4096 characters (variable HUGEV holds 100000)");
        Assert.That(result.Diagnostics.Errors.Single().Message.Length, Is.LessThan(400), "the message quotes a cut value");
        Assert.That(result.Diagnostics.Errors.Single().Message, Does.Contain("(16000 characters)"));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void A_value_just_at_the_limit_expands()
    {
        var env = new Dictionary<string, string> { ["D"] = "/" + new string('d', ConfigReadContext.MaxExpandedLength - 10) };
        ConfigLoadResult result = Load(Edit(Minimal, Replay, $"{Pf}.file_name=\"$D/a.pcap\""), env);
        Assert.That(((PcapFileCaptureConfig)AssertClean(result).Tasks[0].Capturer).FileName, Has.Length.EqualTo(ConfigReadContext.MaxExpandedLength - 2));
    }

    [Test]
    public void An_unset_variable_with_a_huge_name_and_value_is_quoted_cut()
    {
        string name = new('N', 50_000);
        ConfigLoadResult result = Load(Edit(Minimal, Replay, $"{Pf}.file_name=\"${name}/x\""));
        Assert.That(result.Diagnostics.Errors.Single().Message.Length, Is.LessThan(400));
        Assert.That(result.Diagnostics.Errors.Single().Message, Does.Contain("is not set").And.Contain("(50000 characters)"));
    }
}
