using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "The file", and the rest as a whole: JSON syntax, unknown and duplicate keys, every problem at once, files.</summary>
public sealed class DocumentRulesTests
{
    [Test]
    public void A_syntax_error_is_one_error_with_line_and_column()
    {
        const string json = "{\n  \"log_level\": \"INFO\",\n  \"tasks\": }\n";
        AssertSingleError(Load(json), "", "invalid JSON at line 3, column 12: '}' is an invalid start of a value.");
    }

    [Test]
    public void An_empty_document_is_reported_as_empty() =>
        AssertSingleError(Load(""), "", "the configuration is empty");

    [Test]
    public void The_document_must_be_an_object() =>
        AssertSingleError(Load("[]"), "", "the configuration must be a JSON object, not an array");

    [Test]
    public void Comments_and_trailing_commas_are_accepted() =>
        AssertClean(Load("""
            {
                // comments, as people write them in hand-edited configs
                "log_level": "INFO", /* and this */
                "tasks": [
                    { "capturer": { "type": "libpcap", "libpcap": { "interface": "eth0", } }, "outputs": [ { "type": "null" }, ], },
                ],
            }
            """));

    [Test]
    public void Keys_are_case_sensitive()
    {
        ConfigLoadResult result = Load(Edit(Minimal, "Log_Level=\"DEBUG\""));
        AssertSingleWarning(result, "Log_Level", "unknown key, ignored");
    }

    private static IEnumerable<TestCaseData> UnknownKeys()
    {
        yield return new TestCaseData(new[] { "colour=1" }, "colour").SetName("top level");
        yield return new TestCaseData(new[] { "pipeline={\"buffer_size_mb\":1,\"colour\":1}" }, "pipeline.colour").SetName("pipeline");
        yield return new TestCaseData(new[] { "control={\"type\":\"unix\",\"unix\":{\"path\":\"/run/c.sock\",\"colour\":1}}" }, "control.unix.colour").SetName("control.unix");
        yield return new TestCaseData(new[] { "control={\"type\":\"unix\",\"colour\":1,\"unix\":{\"path\":\"/run/c.sock\"}}" }, "control.colour").SetName("control");
        yield return new TestCaseData(new[] { "tasks[0].colour=1" }, "tasks[0].colour").SetName("task");
        yield return new TestCaseData(new[] { "tasks[0].req_pattern={\"type\":\"auto\",\"colour\":1}" }, "tasks[0].req_pattern.colour").SetName("req_pattern");
        yield return new TestCaseData(new[] { "tasks[0].req_pattern={\"type\":\"custom\",\"custom\":{\"pattern\":\"port 1\",\"colour\":1}}" }, "tasks[0].req_pattern.custom.colour").SetName("req_pattern.custom");
        yield return new TestCaseData(new[] { "tasks[0].capturer.colour=1" }, "tasks[0].capturer.colour").SetName("capturer");
        yield return new TestCaseData(new[] { "tasks[0].capturer.libpcap.promisc=true" }, "tasks[0].capturer.libpcap.promisc").SetName("libpcap");
        yield return new TestCaseData(new[] { "tasks[0].capturer={\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"/a.pcap\",\"colour\":1}}" }, "tasks[0].capturer.pcap_file.colour").SetName("pcap_file");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0].colour=1" }, "tasks[0].outputs[0].colour").SetName("output");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"gre\",\"gre\":{\"host\":\"10.1.2.3\",\"key\":1}}" }, "tasks[0].outputs[0].gre.key").SetName("gre");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"vxlan\",\"vxlan\":{\"host\":\"10.1.2.3\",\"vni1\":1,\"vni3\":1}}" }, "tasks[0].outputs[0].vxlan.vni3").SetName("vxlan");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"vxlan\",\"vxlan\":{\"host\":\"10.1.2.3\",\"vni1\":1,\"split\":{\"mtu\":1}}}" }, "tasks[0].outputs[0].vxlan.split.mtu").SetName("vxlan.split");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"zmq\",\"zmq\":{\"host\":\"10.1.2.3\",\"port\":1,\"sndbuf\":1}}" }, "tasks[0].outputs[0].zmq.sndbuf").SetName("zmq");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"file\",\"file\":{\"name\":\"/a.pcap\",\"append\":true}}" }, "tasks[0].outputs[0].file.append").SetName("file");
        yield return new TestCaseData(new[] { "tasks[0].outputs[0]={\"type\":\"rotating_file\",\"rotating_file\":{\"file_root\":\"/d\",\"compress\":true}}" }, "tasks[0].outputs[0].rotating_file.compress").SetName("rotating_file");
    }

    [TestCaseSource(nameof(UnknownKeys))]
    public void An_unknown_key_is_a_warning_naming_its_path(string[] edits, string path)
    {
        ConfigLoadResult result = Load(Edit(Minimal, edits));
        AssertSingleWarning(result, path, "unknown key, ignored");
    }

    [Test]
    public void A_duplicate_key_warns_and_the_last_value_counts()
    {
        const string json = """{"log_level":"ERROR","log_level":"DEBUG","tasks":[]}""";
        CpworkerConfig config = AssertSingleWarning(Load(json), "log_level", "duplicate key; the last value is used");
        Assert.That(config.LogLevel, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Debug));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        const string json = """
            {
                "log_level": "LOUD",
                "cpu_affinity": "3-1",
                "execution_model": "pipeline",
                "colour": "blue",
                "control": { "type": "unix", "unix": { "path": "" } },
                "tasks": [
                    {
                        "fingerprint": "same",
                        "req_pattern": { "type": "sometimes" },
                        "capturer": { "type": "libpcap", "libpcap": { "snaplen": 0, "buffer_size_mb": -1 } },
                        "outputs": [
                            { "type": "vxlan", "slice": -1, "vxlan": { "host": "10.1.2.3", "vni1": 1, "vni2": 33, "port": 0 } },
                            { "type": "zmq", "zmq": { "host": "10.1.2.3" } },
                            { "type": "file", "file": { "name": "$NOT_SET/x.pcap" } }
                        ]
                    },
                    {
                        "fingerprint": "same",
                        "capturer": { "type": "dpdk_pdump" },
                        "outputs": [ { "type": "gre", "gre": { "service_tag": -1 } }, { "type": "carrier-pigeon" } ]
                    }
                ]
            }
            """;
        ConfigLoadResult result = Load(json);
        Assert.That(result.Config, Is.Null);
        string[] expected =
        [
            "Error log_level",
            "Error cpu_affinity",
            "Error pipeline.buffer_size_mb",
            "Error control.unix.path",
            "Error tasks[0].req_pattern.type",
            "Error tasks[0].capturer.libpcap.interface",
            "Warning tasks[0].capturer.libpcap.snaplen",
            "Error tasks[0].capturer.libpcap.buffer_size_mb",
            "Error tasks[0].outputs[0].slice",
            "Error tasks[0].outputs[0].vxlan.port",
            "Error tasks[0].outputs[0].vxlan",
            "Error tasks[0].outputs[0].vxlan.vni2",
            "Error tasks[0].outputs[1].zmq.port",
            "Error tasks[0].outputs[2].file.name",
            "Error tasks[1].fingerprint",
            "Error tasks[1].capturer.type",
            "Error tasks[1].outputs[0].gre.host",
            "Error tasks[1].outputs[0].gre.service_tag",
            "Error tasks[1].outputs[1].type",
            "Warning colour",
        ];
        Assert.That(result.Diagnostics.Items.Select(d => $"{d.Severity} {d.Path}"), Is.EquivalentTo(expected), Dump(result));
    }

    [Test]
    public void Diagnostics_print_as_path_colon_message()
    {
        ConfigLoadResult result = Load(WithOutput("vxlan", """{"host":"10.1.2.3","vni1":1,"vni2":32}"""));
        Assert.That(result.Diagnostics.Errors.Single().ToString(), Is.EqualTo("tasks[0].outputs[0].vxlan: vni1 and vni2 are mutually exclusive"));
    }

    [Test]
    public void Load_file_reports_an_unreadable_file_as_an_error()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"cpw-missing-{Guid.NewGuid():N}.json");
        ConfigLoadResult result = ConfigLoader.LoadFile(missing, Registry);
        AssertSingleError(result, "", $"cannot read the configuration file {missing}");
    }

    [Test]
    public void Load_file_reads_and_validates_the_file()
    {
        string file = Path.Combine(Path.GetTempPath(), $"cpw-config-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, "\uFEFF" + Edit(Minimal, "log_level=\"warn\""));
        try
        {
            ConfigLoadResult result = ConfigLoader.LoadFile(file, Registry, _ => null);
            Assert.That(AssertClean(result).LogLevel, Is.EqualTo(Microsoft.Extensions.Logging.LogLevel.Warning));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
