using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Outputs.File;
using Microsoft.Extensions.Logging;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>The manual's template and every shipped example in <c>configs/</c> validate.</summary>
public sealed class ExampleConfigsTests
{
    /// <summary>The repository's <c>configs/</c> directory, found upwards from the test binaries.</summary>
    public static string ConfigsDirectory
    {
        get
        {
            for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "configs");
                if (File.Exists(Path.Combine(dir.FullName, "Cpworker.sln")) && Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("configs/ not found above " + TestContext.CurrentContext.TestDirectory);
        }
    }

    private static IEnumerable<TestCaseData> ShippedConfigs() =>
        Directory.EnumerateFiles(ConfigsDirectory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"configs/{Path.GetFileName(f)}"));

    [TestCaseSource(nameof(ShippedConfigs))]
    public void A_shipped_config_validates_without_warnings(string fileName) =>
        AssertClean(ConfigLoader.LoadFile(Path.Combine(ConfigsDirectory, fileName), Registry, name => TestEnvironment.GetValueOrDefault(name)));

    [Test]
    public void The_expected_examples_are_shipped()
    {
        string[] expected =
        [
            "file.json", "gre.json", "manual-template.json", "multi-task.json", "netns.json", "pcap-file-replay.json",
            "pipeline.json", "quickstart.json", "rotating-file.json", "vxlan-split.json", "vxlan.json", "zmq.json",
        ];
        Assert.That(Directory.EnumerateFiles(ConfigsDirectory, "*.json").Select(Path.GetFileName), Is.SupersetOf(expected));
    }

    [Test]
    public void The_manual_template_reads_as_the_manual_describes()
    {
        CpworkerConfig config = AssertClean(ConfigLoader.LoadFile(Path.Combine(ConfigsDirectory, "manual-template.json"), Registry, name => TestEnvironment.GetValueOrDefault(name)));
        Assert.That((config.LogLevel, config.ExecutionModel, config.PipelineBufferSizeMb), Is.EqualTo((LogLevel.Information, ExecutionModel.Rtc, (int?)256)));
        Assert.That(config.CpuAffinity, Is.EqualTo(new[] { 1 }));
        Assert.That(config.ControlSocketPath, Is.EqualTo("/var/run/cloud-probe/cpworker.sock"));
        TaskConfig task = config.Tasks.Single();
        Assert.That(task.ReqPattern, Is.EqualTo(new CustomDirectionConfig("host nic.eth0 and port 8011")));
        Assert.That(task.Capturer, Is.EqualTo(new LibpcapCaptureConfig
        {
            Interface = "eth0",
            Snaplen = 2048,
            Netns = "/proc/1432897/ns/net",
            Bpf = "host nic.eth0",
            BufferSizeMb = 256,
            TimeoutMs = 3,
        }));
        OutputConfig output = task.Outputs.Single();
        Assert.That((output.Type, output.RateLimitMbps, output.Slice), Is.EqualTo(("file", 10, 2048)));
        Assert.That(output.Settings, Is.EqualTo(new FileSettings { Name = "/var/lib/pcap/test.pcap" }));
    }

    [Test]
    public void The_manual_template_needs_its_variable()
    {
        ConfigLoadResult result = ConfigLoader.LoadFile(Path.Combine(ConfigsDirectory, "manual-template.json"), Registry, _ => null);
        AssertSingleError(result, "tasks[0].outputs[0].file.name", "environment variable PCAP_STORE_PATH is not set");
    }
}
