using System.Text.RegularExpressions;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Cli;
using Cpworker.Tests.Support;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>
/// What <c>cpworker validate</c> tells an operator (issue 10): every shipped config validates or
/// says what it needs, messages are ours, a broken filter fails without <c>--host</c>, typos get a
/// suggestion, problems come in file order, and <c>--strict</c> does not contradict itself.
/// </summary>
public sealed class ValidateFeedbackTests
{
    private static IEnumerable<TestCaseData> ShippedConfigs() =>
        Directory.EnumerateFiles(Repository.PathOf("configs"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileName(f)).SetName($"validate configs/{Path.GetFileName(f)}"));

    /// <summary>The real binary, as an operator runs it: exit 0, with the variables its first lines ask for.</summary>
    [TestCaseSource(nameof(ShippedConfigs))]
    public void A_shipped_config_validates_or_says_in_its_first_lines_what_it_needs(string fileName)
    {
        string path = Repository.PathOf("configs", fileName);
        string head = string.Join("\n", File.ReadLines(path).Take(5));
        var environment = new Dictionary<string, string>();
        foreach (Match m in Regex.Matches(head, @"^// Needs ([A-Z_][A-Z0-9_]*)", RegexOptions.Multiline))
        {
            environment[m.Groups[1].Value] = Path.GetTempPath();
        }

        using DaemonProcess validate = DaemonProcess.Start($"validate -c \"{path}\"", environment: environment);
        Assert.That(validate.WaitForExit(30_000), Is.EqualTo(0), string.Join("\n", validate.Lines));
        if (environment.Count == 0)
        {
            return;
        }

        // And without the variable it fails naming it, as the header says.
        Assume.That(environment.Keys.All(k => Environment.GetEnvironmentVariable(k) is null), "the test's own environment sets the variable");
        using DaemonProcess bare = DaemonProcess.Start($"validate -c \"{path}\"");
        Assert.That(bare.WaitForExit(30_000), Is.EqualTo(2), string.Join("\n", bare.Lines));
        Assert.That(bare.Lines.Any(l => l.Contains($"environment variable {environment.Keys.First()} is not set", StringComparison.Ordinal)), Is.True, string.Join("\n", bare.Lines));
    }

    [TestCase("")]
    [TestCase("  \n\t\n")]
    public void An_empty_file_says_it_is_empty(string text)
    {
        ConfigLoadResult result = Load(text);
        AssertSingleError(result, "", "the configuration is empty");
        Assert.That(result.Diagnostics.Items[0].Message, Does.Not.Contain("isFinalBlock"));
    }

    [Test]
    public void A_file_that_ends_too_early_says_so_in_our_words()
    {
        ConfigLoadResult result = Load("{\"tasks\": [");
        Assert.That(result.Diagnostics.Items.Single().Message, Does.Contain("ends before the JSON is complete").And.Not.Contain("isFinalBlock").And.Not.Contain("depth"));
    }

    [TestCase("tcp prot 80 and")]
    [TestCase("host nic.eth0 and port")]
    public void A_filter_that_does_not_compile_is_an_error_without_host_checks(string bpf)
    {
        ConfigLoadResult result = Load(Edit(Minimal, $"tasks[0].capturer.libpcap.bpf=\"{bpf}\""));
        AssertSingleError(result, "tasks[0].capturer.libpcap.bpf", "does not compile");
    }

    [Test]
    public void A_replay_filter_that_does_not_compile_is_an_error_without_host_checks()
    {
        ConfigLoadResult result = Load(Edit(Minimal, "tasks[0].capturer={\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"/a.pcap\",\"bpf\":\"udp and\"}}"));
        AssertSingleError(result, "tasks[0].capturer.pcap_file.bpf", "does not compile");
    }

    [Test]
    public void A_filter_naming_an_interface_compiles_with_a_placeholder() =>
        AssertClean(Load(Edit(Minimal, "tasks[0].capturer.libpcap.bpf=\"host nic.eth7 and tcp port 80\"")));

    [TestCase("log_levl", "log_level")]
    [TestCase("tasks[0].capturer.libpcap.snaplenn", "snaplen")]
    [TestCase("tasks[0].outputs[0].slcie", "slice")]
    [TestCase("tasks[0].Name", "name")]
    public void An_unknown_key_close_to_a_known_one_gets_a_suggestion(string key, string meant)
    {
        ConfigLoadResult result = Load(Edit(Minimal, $"{key}=1"));
        AssertSingleWarning(result, key, $"did you mean \"{meant}\"?");
    }

    [Test]
    public void An_unknown_key_far_from_every_known_one_gets_no_suggestion() =>
        Assert.That(Load(Edit(Minimal, "colour=1")).Diagnostics.Items.Single().Message, Is.EqualTo("unknown key, ignored"));

    [Test]
    public void Warnings_come_in_file_order()
    {
        const string json = """
            {"log_levl":"INFO","tasks":[{"capturer":{"type":"libpcap","libpcap":{"interface":"lo","snaplenn":100}},
              "outputs":[{"type":"null","slcie":3}]}],"zzz":1}
            """;
        ConfigLoadResult result = Load(json);
        Assert.That(result.Diagnostics.Items.Select(d => d.Path),
            Is.EqualTo(new[] { "log_levl", "tasks[0].capturer.libpcap.snaplenn", "tasks[0].outputs[0].slcie", "zzz" }), Dump(result));
    }

    [Test]
    public void Strict_does_not_say_ignored_for_what_fails_the_check()
    {
        string dir = Directory.CreateTempSubdirectory("cpw-validate-").FullName;
        try
        {
            string path = Path.Combine(dir, "c.json");
            File.WriteAllText(path, Edit(Minimal, "log_levl=\"INFO\""));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int rc = ValidateCommand.Run(path, checkHost: false, strict: true, stdout, stderr);
            Assert.That(rc, Is.EqualTo(2));
            Assert.That(stderr.ToString(), Does.Contain("error: log_levl: unknown key; did you mean \"log_level\"? (a warning, an error under --strict)"));
            Assert.That(stderr.ToString(), Does.Not.Contain("ignored"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void A_netns_of_a_process_that_is_gone_is_reported_in_our_words()
    {
        string dir = Directory.CreateTempSubdirectory("cpw-validate-").FullName;
        try
        {
            string path = Path.Combine(dir, "c.json");
            File.WriteAllText(path, Edit(Minimal, "tasks[0].capturer.libpcap.netns=\"/proc/999999999/ns/net\""));
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int rc = ValidateCommand.Run(path, checkHost: true, strict: false, stdout, stderr);
            Assert.That(rc, Is.EqualTo(2));
            Assert.That(stderr.ToString(), Does.Contain("cannot open netns /proc/999999999/ns/net: it does not exist (no process with that id, or it has exited)"));
            Assert.That(stderr.ToString(), Does.Not.Contain("Could not find"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestCase("127.0.0.1:9464")]
    [TestCase("[::1]:9464")]
    [TestCase("0.0.0.0:9100")]
    [TestCase("localhost:9464")]
    public void A_prometheus_listen_address_is_read(string listen)
    {
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, $"metrics={{\"prometheus\":{{\"listen\":\"{listen}\"}}}}")));
        Assert.That(config.PrometheusListen, Is.EqualTo(listen));
    }

    [TestCase("9464", "must be HOST:PORT")]
    [TestCase("127.0.0.1:0", "port must be a number between 1 and 65535")]
    [TestCase("127.0.0.1:http", "port must be a number")]
    [TestCase("::1:9464", "in brackets")]
    [TestCase("300.1.1.1:9464", "not a valid IPv4 address")]
    public void A_bad_prometheus_listen_address_is_an_error(string listen, string fragment) =>
        AssertSingleError(Load(Edit(Minimal, $"metrics={{\"prometheus\":{{\"listen\":\"{listen}\"}}}}")), "metrics.prometheus.listen", fragment);

    [Test]
    public void Metrics_are_off_by_default() =>
        Assert.That(AssertClean(Load(Minimal)).PrometheusListen, Is.Null);

    [Test]
    public void Rotating_file_max_file_size_mb_is_read_and_checked()
    {
        const string output = "tasks[0].outputs[0]={\"type\":\"rotating_file\",\"rotating_file\":{\"file_root\":\"/d\",\"max_file_size_mb\":%}}";
        CpworkerConfig config = AssertClean(Load(Edit(Minimal, output.Replace("%", "100", StringComparison.Ordinal))));
        Assert.That(((Cpworker.Outputs.RotatingFile.RotatingFileSettings)config.Tasks[0].Outputs[0].Settings).MaxFileSizeBytes, Is.EqualTo(100L * 1024 * 1024));
        AssertSingleError(Load(Edit(Minimal, output.Replace("%", "0", StringComparison.Ordinal))), "tasks[0].outputs[0].rotating_file.max_file_size_mb", "between 1 and 1048576");
    }
}
