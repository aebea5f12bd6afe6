using Cpworker.Outputs.Zmq;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "zmq": host, port, hwm, service_tag, uuid, heartbeat_ms.</summary>
public sealed class ZmqSettingsRulesTests
{
    private const string Z = "tasks[0].outputs[0].zmq";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("host missing", """{"port":1234}""", $"{Z}.host", "is required");
        yield return Case("host invalid", """{"host":"tcp://10.1.2.3","port":1234}""", $"{Z}.host", "give the address or name alone");
        yield return Case("port missing", """{"host":"10.1.2.3"}""", $"{Z}.port", "is required");
        yield return Case("port zero", """{"host":"10.1.2.3","port":0}""", $"{Z}.port", "must be between 1 and 65535, not 0");
        yield return Case("port too big", """{"host":"10.1.2.3","port":70000}""", $"{Z}.port", "must be between 1 and 65535, not 70000");
        yield return Case("hwm negative", """{"host":"10.1.2.3","port":1234,"hwm":-1}""", $"{Z}.hwm", "must be between 0 and 2147483647, not -1");
        yield return Case("service_tag negative", """{"host":"10.1.2.3","port":1234,"service_tag":-3}""", $"{Z}.service_tag", "must be between 0 and 4294967295");
        yield return Case("uuid not hex", """{"host":"10.1.2.3","port":1234,"uuid":"probe-one"}""", $"{Z}.uuid", "\"probe-one\" is not a UUID (32 hexadecimal digits, dashes allowed");
        yield return Case("uuid too short", """{"host":"10.1.2.3","port":1234,"uuid":"123e4567-e89b-12d3-a456-42661417400"}""", $"{Z}.uuid", "is not a UUID");
        yield return Case("uuid too long", """{"host":"10.1.2.3","port":1234,"uuid":"123e4567e89b12d3a4564266141740000"}""", $"{Z}.uuid", "is not a UUID");
        yield return Case("uuid in braces", """{"host":"10.1.2.3","port":1234,"uuid":"{123e4567-e89b-12d3-a456-426614174000}"}""", $"{Z}.uuid", "is not a UUID");
        yield return Case("uuid not a string", """{"host":"10.1.2.3","port":1234,"uuid":7}""", $"{Z}.uuid", "must be a string");
        yield return Case("heartbeat too long", """{"host":"10.1.2.3","port":1234,"heartbeat_ms":60001}""", $"{Z}.heartbeat_ms", "must be between 0 and 60000, not 60001");
        yield return Case("heartbeat negative", """{"host":"10.1.2.3","port":1234,"heartbeat_ms":-1}""", $"{Z}.heartbeat_ms", "must be between 0 and 60000, not -1");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string section, string path, string message) =>
        AssertSingleError(Load(WithOutput("zmq", section)), path, message);

    [Test]
    public void An_unbounded_hwm_warns()
    {
        var config = AssertSingleWarning(Load(WithOutput("zmq", """{"host":"10.1.2.3","port":1234,"hwm":0}""")), $"{Z}.hwm", "0 means no limit");
        Assert.That(((ZmqSettings)config.Tasks[0].Outputs[0].Settings).Hwm, Is.Zero);
    }

    [Test]
    public void Defaults()
    {
        ZmqSettings settings = Settings("""{"host":"10.1.2.3","port":1234}""");
        Assert.That(settings, Is.EqualTo(new ZmqSettings { Host = "10.1.2.3", Port = 1234, Hwm = 100, ServiceTag = 0xFFFFFFFF, HeartbeatMs = 0 }));
        Assert.That(settings.Uuid, Is.EqualTo(new byte[16]));
    }

    [Test]
    public void Every_key_is_read()
    {
        ZmqSettings settings = Settings("""{"host":"collector.example","port":5555,"hwm":1000,"service_tag":3,"uuid":"123e4567-e89b-12d3-a456-426614174000","heartbeat_ms":60000}""");
        Assert.That((settings.Host, settings.Port, settings.Hwm, settings.ServiceTag, settings.HeartbeatMs), Is.EqualTo(("collector.example", 5555, 1000, 3u, 60000)));
        Assert.That(Convert.ToHexStringLower(settings.Uuid.ToArray()), Is.EqualTo("123e4567e89b12d3a456426614174000"));
    }

    [TestCase("", "00000000000000000000000000000000")]
    [TestCase("123E4567E89B12D3A456426614174000", "123e4567e89b12d3a456426614174000")]
    [TestCase("550e8400-e29b-41d4-a716-446655440000", "550e8400e29b41d4a716446655440000")]
    [TestCase("ffffffff-ffff-ffff-ffff-ffffffffffff", "ffffffffffffffffffffffffffffffff")]
    public void Uuid_becomes_the_16_header_bytes(string text, string hex) =>
        Assert.That(Convert.ToHexStringLower(Settings($"{{\"host\":\"10.1.2.3\",\"port\":1,\"uuid\":\"{text}\"}}").Uuid.ToArray()), Is.EqualTo(hex));

    private static ZmqSettings Settings(string section) =>
        (ZmqSettings)AssertClean(Load(WithOutput("zmq", section))).Tasks[0].Outputs[0].Settings;

    private static TestCaseData Case(string name, string section, string path, string message) =>
        new TestCaseData(section, path, message).SetName(name);
}
