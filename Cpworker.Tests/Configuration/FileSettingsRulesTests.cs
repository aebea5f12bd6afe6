using Cpworker.Outputs.File;
using Cpworker.Outputs.RotatingFile;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "file" and "rotating_file": paths, variables, precision, intervals.</summary>
public sealed class FileSettingsRulesTests
{
    private const string F = "tasks[0].outputs[0].file";
    private const string R = "tasks[0].outputs[0].rotating_file";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("file name missing", "file", "{}", $"{F}.name", "is required");
        yield return Case("file name empty", "file", """{"name":""}""", $"{F}.name", "must not be empty");
        yield return Case("file name not a string", "file", """{"name":["a.pcap"]}""", $"{F}.name", "must be a string, not an array");
        yield return Case("file name unset variable", "file", """{"name":"$CAPTURE_DIR/a.pcap"}""", $"{F}.name", "environment variable CAPTURE_DIR is not set (used in \"$CAPTURE_DIR/a.pcap\")");
        yield return Case("file name unterminated variable", "file", """{"name":"${PCAP_STORE_PATH/a.pcap"}""", $"{F}.name", "unterminated ${");
        yield return Case("file name is a directory", "file", """{"name":"/var/lib/pcap/"}""", $"{F}.name", "names a directory");
        yield return Case("timestamp precision unknown", "file", """{"name":"/tmp/a.pcap","timestamp_precision":"milli"}""", $"{F}.timestamp_precision", "must be \"micro\" or \"nano\", not \"milli\"");
        yield return Case("file_root missing", "rotating_file", "{}", $"{R}.file_root", "is required");
        yield return Case("file_root unset variable", "rotating_file", """{"file_root":"${ARCHIVE}"}""", $"{R}.file_root", "environment variable ARCHIVE is not set");
        yield return Case("interval words", "rotating_file", """{"file_root":"/data","max_file_interval":"5 minutes"}""", $"{R}.max_file_interval", "\"5 minutes\" is not an interval");
        yield return Case("interval unknown unit", "rotating_file", """{"file_root":"/data","max_file_interval":"1d"}""", $"{R}.max_file_interval", "\"1d\" is not an interval");
        yield return Case("interval negative", "rotating_file", """{"file_root":"/data","max_file_interval":-60}""", $"{R}.max_file_interval", "must be between 0 and 2147483647, not -60");
        yield return Case("interval negative string", "rotating_file", """{"file_root":"/data","max_file_interval":"-60"}""", $"{R}.max_file_interval", "is not an interval");
        yield return Case("interval overflowing", "rotating_file", """{"file_root":"/data","max_file_interval":"999999999h"}""", $"{R}.max_file_interval", "is not an interval");
        yield return Case("interval boolean", "rotating_file", """{"file_root":"/data","max_file_interval":true}""", $"{R}.max_file_interval", "must be a number of seconds or a string like \"5m\", not a boolean (true)");
        yield return Case("max_files negative", "rotating_file", """{"file_root":"/data","max_files":-1}""", $"{R}.max_files", "must be between 0 and 2147483647, not -1");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string type, string section, string path, string message) =>
        AssertSingleError(Load(WithOutput(type, section)), path, message);

    [TestCase("$PCAP_STORE_PATH/test.pcap", "/var/lib/pcap/test.pcap")]
    [TestCase("${PCAP_STORE_PATH}/test.pcap", "/var/lib/pcap/test.pcap")]
    [TestCase("${PCAP_STORE_PATH}x.pcap", "/var/lib/pcapx.pcap")]
    [TestCase("/data/a$$b.pcap", "/data/a$b.pcap")]
    [TestCase("/data/../data/./a.pcap", "/data/a.pcap")]
    public void File_name_is_expanded_and_normalised(string name, string expected) =>
        Assert.That(FileOf($"{{\"name\":\"{name}\"}}").Name, Is.EqualTo(expected));

    [Test]
    public void A_relative_file_name_resolves_against_the_current_directory() =>
        Assert.That(FileOf("""{"name":"captures/a.pcap"}""").Name, Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "captures", "a.pcap")));

    [TestCase(null, "Micro")]
    [TestCase("micro", "Micro")]
    [TestCase("nano", "Nano")]
    public void Timestamp_precision(string? text, string expected) =>
        Assert.That(FileOf(text is null ? """{"name":"/a.pcap"}""" : $"{{\"name\":\"/a.pcap\",\"timestamp_precision\":\"{text}\"}}").TimestampPrecision, Is.EqualTo(Enum.Parse<TimestampPrecision>(expected)));

    [TestCase("60", 60)]
    [TestCase("\"60\"", 60)]
    [TestCase("\"90s\"", 90)]
    [TestCase("\"5m\"", 300)]
    [TestCase("\"1h\"", 3600)]
    [TestCase("0", 0)]
    [TestCase("\"0\"", 0)]
    public void Max_file_interval_takes_seconds_or_units(string json, int seconds) =>
        Assert.That(RootOf($"{{\"file_root\":\"/data\",\"max_file_interval\":{json}}}").MaxFileIntervalSeconds, Is.EqualTo(seconds));

    [Test]
    public void Rotating_defaults_rotate_every_minute_and_keep_everything() =>
        Assert.That(RootOf("""{"file_root":"$PCAP_STORE_PATH"}"""), Is.EqualTo(new RotatingFileSettings { FileRoot = "/var/lib/pcap", MaxFileIntervalSeconds = 60, MaxFiles = 0 }));

    [Test]
    public void Rotating_root_is_absolute_without_a_trailing_slash()
    {
        Assert.That(RootOf("""{"file_root":"/data/pcap/","max_files":24}"""), Is.EqualTo(new RotatingFileSettings { FileRoot = "/data/pcap", MaxFiles = 24 }));
        Assert.That(RootOf("""{"file_root":"./captures"}""").FileRoot, Is.EqualTo(Path.Combine(Directory.GetCurrentDirectory(), "captures")));
    }

    private static FileSettings FileOf(string section) =>
        (FileSettings)AssertClean(Load(WithOutput("file", section))).Tasks[0].Outputs[0].Settings;

    private static RotatingFileSettings RootOf(string section) =>
        (RotatingFileSettings)AssertClean(Load(WithOutput("rotating_file", section))).Tasks[0].Outputs[0].Settings;

    private static TestCaseData Case(string name, string type, string section, string path, string message) =>
        new TestCaseData(type, section, path, message).SetName(name);
}
