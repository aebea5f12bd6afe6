using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cpworker.Tests.Control;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// <c>--log-format text|json|systemd</c> (docs/operations.md, "Log formats"), on the real binary
/// replaying a file, with one task that fails so that an error line is among them.
/// </summary>
[CancelAfter(120_000)]
public class LogFormatTests
{
    private string _dir = null!;
    private string _config = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = ControlFixture.NewDirectory();
        var pcap = new PcapBuilder();
        for (int i = 0; i < 10; i++)
        {
            pcap.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
        }

        string input = pcap.WriteTo(Path.Combine(_dir, "in.pcap"));
        _config = Path.Combine(_dir, "c.json");
        File.WriteAllText(_config,
            $"{{\"tasks\":[{{\"name\":\"replay\",\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\"}}}},\"outputs\":[{{\"type\":\"null\"}}]}}," +
            "{\"name\":\"gone\",\"capturer\":{\"type\":\"libpcap\",\"libpcap\":{\"interface\":\"cpwnosuch0\"}},\"outputs\":[{\"type\":\"null\"}]}]}");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private List<string> RunWith(string format)
    {
        using DaemonProcess d = DaemonProcess.Start($"run -c \"{_config}\" --exit-at-eof{(format.Length > 0 ? " --log-format " + format : "")}", _dir);
        Assert.That(d.WaitForExit(30_000), Is.Zero, d.Output);
        Assert.That(d.Lines, Is.Not.Empty);
        return d.Lines.ToList();
    }

    [TestCase("")]
    [TestCase("text")]
    public void Text_is_the_default_and_the_C_format(string format)
    {
        List<string> lines = RunWith(format);
        Assert.That(lines, Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d (DEBUG|INFO|WARN|ERROR) \S"));
        Assert.That(lines.Any(l => Regex.IsMatch(l, @" ERROR gone: cannot capture on cpwnosuch0")), Is.True, string.Join("\n", lines));
    }

    [Test]
    public void Json_is_one_object_per_line_with_the_named_values()
    {
        List<string> lines = RunWith("json");
        var events = lines.Select(l => (JsonObject)JsonNode.Parse(l)!).ToList();
        Assert.That(events.Select(e => (string?)e["Timestamp"]), Has.All.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$"));
        JsonObject running = events.First(e => ((string?)e["Message"])!.StartsWith("replay: running", StringComparison.Ordinal));
        Assert.That((string?)running["LogLevel"], Is.EqualTo("Information"));
        Assert.That((string?)running["State"]!["Task"], Is.EqualTo("replay"));
        JsonObject failed = events.First(e => (string?)e["LogLevel"] == "Error");
        Assert.That((string?)failed["State"]!["Task"], Is.EqualTo("gone"));
        Assert.That((string?)failed["Message"], Does.StartWith("gone: cannot capture on cpwnosuch0"));
    }

    [Test]
    public void Systemd_has_syslog_priorities_and_no_timestamp()
    {
        List<string> lines = RunWith("systemd");
        Assert.That(lines, Has.All.Match(@"^<[3-7]>cpworker\[\d+\] \S"));
        Assert.That(lines.Any(l => l.StartsWith("<3>cpworker[0] gone: cannot capture on cpwnosuch0", StringComparison.Ordinal)), Is.True, string.Join("\n", lines));
        Assert.That(lines.Any(l => l.StartsWith("<6>cpworker[0] replay: running", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public void An_unknown_format_is_a_usage_error()
    {
        using DaemonProcess d = DaemonProcess.Start($"run -c \"{_config}\" --log-format xml", _dir);
        Assert.That(d.WaitForExit(30_000), Is.EqualTo(2));
        Assert.That(d.Output, Does.Contain("--log-format must be text, json or systemd, not \"xml\""));
    }
}
