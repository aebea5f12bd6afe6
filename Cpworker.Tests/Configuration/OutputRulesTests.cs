using Cpworker.Engine.Configuration;
using Cpworker.Outputs.File;
using Cpworker.Outputs.RotatingFile;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "Outputs": type, rate_limit_mbps, slice, the section named by type, its siblings, shared resources.</summary>
public sealed class OutputRulesTests
{
    private const string O = "tasks[0].outputs[0]";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("output not an object", [$"{O}=\"null\""], O, "must be an object");
        yield return Case("type missing", [$"{O}={{}}"], $"{O}.type", "is required");
        yield return Case("type unknown", [$"{O}.type=\"kafka\""], $"{O}.type", "unknown output type \"kafka\"; known types: file, gre, null, rotating_file, vxlan, zmq");
        yield return Case("type not a string", [$"{O}.type=1"], $"{O}.type", "must be a string");
        yield return Case("rate limit negative", [$"{O}.rate_limit_mbps=-1"], $"{O}.rate_limit_mbps", "must be between 0 and 2147483647, not -1");
        yield return Case("rate limit fractional", [$"{O}.rate_limit_mbps=1.5"], $"{O}.rate_limit_mbps", "must be a whole number");
        yield return Case("rate limit string", [$"{O}.rate_limit_mbps=\"10\""], $"{O}.rate_limit_mbps", "must be a number");
        yield return Case("slice negative", [$"{O}.slice=-64"], $"{O}.slice", "must be between 0 and 2147483647, not -64");
        yield return Case("gre section missing", [$"{O}.type=\"gre\""], $"{O}.gre", "is required");
        yield return Case("vxlan section missing", [$"{O}.type=\"vxlan\""], $"{O}.vxlan", "is required");
        yield return Case("zmq section missing", [$"{O}.type=\"zmq\""], $"{O}.zmq", "is required");
        yield return Case("file section missing", [$"{O}.type=\"file\""], $"{O}.file", "is required");
        yield return Case("rotating_file section missing", [$"{O}.type=\"rotating_file\""], $"{O}.rotating_file", "is required");
        yield return Case("section not an object", [$"{O}.type=\"gre\"", $"{O}.gre=\"10.1.2.3\""], $"{O}.gre", "must be an object");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string[] edits, string path, string message) =>
        AssertSingleError(Load(Edit(Minimal, edits)), path, message);

    [Test]
    public void Common_keys_are_read_with_their_defaults()
    {
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, "tasks[0].outputs[1]={\"type\":\"null\",\"rate_limit_mbps\":10,\"slice\":128}")));
        OutputConfig[] outputs = config.Tasks[0].Outputs.ToArray();
        Assert.That(outputs.Select(o => (o.Index, o.Type, o.RateLimitMbps, o.Slice, o.Name)),
            Is.EqualTo(new[] { (0, "null", 0, 0, "null-0"), (1, "null", 10, 128, "null-1") }));
    }

    [Test]
    public void Objects_of_the_other_output_types_are_neither_validated_nor_warned_about()
    {
        // The manual's template: type file, with every other type's object beside it, vni1 and vni2 both set.
        string json = WithOutput("file", """{"name":"/tmp/a.pcap"}""");
        json = Edit(json,
            $$"""{{O}}.vxlan={"host":"10.1.2.3","vni1":1,"vni2":33}""",
            $$"""{{O}}.gre={"host":"not a host"}""",
            $$"""{{O}}.zmq={"port":-1}""",
            $$"""{{O}}.rotating_file=7""",
            $$"""{{O}}.null={"x":1}""");
        CpworkerConfig config = AssertClean(Load(json));
        Assert.That(config.Tasks[0].Outputs[0].Settings, Is.EqualTo(new FileSettings { Name = "/tmp/a.pcap" }));
    }

    [Test]
    public void An_unknown_type_does_not_also_warn_about_its_object() =>
        AssertSingleError(Load(Edit(Minimal, $"{O}.type=\"kafka\"", $"{O}.kafka={{}}")), $"{O}.type", "unknown output type");

    [Test]
    public void Unknown_keys_of_a_null_output_object_are_warned_about() =>
        AssertSingleWarning(Load(Edit(Minimal, $"{O}.null={{\"x\":1}}")), $"{O}.null.x", "unknown key");

    [Test]
    public void Two_outputs_writing_one_file_are_an_error_naming_both()
    {
        string json = Edit(WithOutput("file", """{"name":"/tmp/x/a.pcap"}"""),
            """tasks[1]={"capturer":{"type":"libpcap","libpcap":{"interface":"eth1"}},"outputs":[{"type":"null"},{"type":"file","file":{"name":"/tmp/x/../x/a.pcap"}}]}""");
        AssertSingleError(Load(json), "tasks[1].outputs[1].file", "conflicts with tasks[0].outputs[0].file: both use file:/tmp/x/a.pcap");
    }

    [Test]
    public void Two_outputs_sharing_a_file_root_are_an_error_naming_both()
    {
        string json = Edit(WithOutput("rotating_file", """{"file_root":"$PCAP_STORE_PATH"}"""),
            """tasks[0].outputs[1]={"type":"rotating_file","rotating_file":{"file_root":"/var/lib/pcap/"}}""");
        AssertSingleError(Load(json), "tasks[0].outputs[1].rotating_file", "conflicts with tasks[0].outputs[0].rotating_file: both use dir:/var/lib/pcap");
    }

    [Test]
    public void Different_files_and_roots_do_not_conflict()
    {
        string json = Edit(WithOutput("rotating_file", """{"file_root":"/data/a"}"""),
            """tasks[0].outputs[1]={"type":"rotating_file","rotating_file":{"file_root":"/data/b"}}""",
            """tasks[0].outputs[2]={"type":"file","file":{"name":"/data/a.pcap"}}""");
        CpworkerConfig config = AssertClean(Load(json));
        Assert.That(config.Tasks[0].Outputs.Select(o => o.Settings.ExclusiveResource), Is.EqualTo(new[] { "dir:/data/a", "dir:/data/b", "file:/data/a.pcap" }));
        Assert.That(((RotatingFileSettings)config.Tasks[0].Outputs[0].Settings).FileRoot, Is.EqualTo("/data/a"));
    }

    private static TestCaseData Case(string name, string[] edits, string path, string message) =>
        new TestCaseData(edits, path, message).SetName(name);
}
