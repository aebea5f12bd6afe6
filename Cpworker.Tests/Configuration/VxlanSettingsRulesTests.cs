using Cpworker.Outputs.Common;
using Cpworker.Outputs.Vxlan;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>docs/configuration.md, "vxlan": host, port, vni1/vni2, capture_time, split.</summary>
public sealed class VxlanSettingsRulesTests
{
    private const string V = "tasks[0].outputs[0].vxlan";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("vni1 and vni2 both", """{"host":"10.1.2.3","vni1":1,"vni2":32}""", V, "vni1 and vni2 are mutually exclusive");
        yield return Case("neither vni", """{"host":"10.1.2.3"}""", V, "needs one of vni1 and vni2");
        yield return Case("vni2 with direction bits", """{"host":"10.1.2.3","vni2":33}""", $"{V}.vni2", "0x00000021: bits 0–1 carry the direction and must be 0");
        yield return Case("vni2 above 32 bits", """{"host":"10.1.2.3","vni2":4294967296}""", $"{V}.vni2", "must be between 0 and 4294967295");
        yield return Case("vni1 negative", """{"host":"10.1.2.3","vni1":-1}""", $"{V}.vni1", "must be between 0 and 4294967295, not -1");
        yield return Case("vni1 string", """{"host":"10.1.2.3","vni1":"1"}""", $"{V}.vni1", "must be a number");
        yield return Case("host missing", """{"vni1":1}""", $"{V}.host", "is required");
        yield return Case("host invalid", """{"host":"10.1.2.3.4","vni1":1}""", $"{V}.host", "is not a valid IPv4 address");
        yield return Case("port zero", """{"host":"10.1.2.3","vni1":1,"port":0}""", $"{V}.port", "must be between 1 and 65535, not 0");
        yield return Case("port too big", """{"host":"10.1.2.3","vni1":1,"port":65536}""", $"{V}.port", "must be between 1 and 65535, not 65536");
        yield return Case("capture_time not a boolean", """{"host":"10.1.2.3","vni1":1,"capture_time":1}""", $"{V}.capture_time", "must be true or false");
        yield return Case("pmtudisc unknown", """{"host":"10.1.2.3","vni1":1,"pmtudisc":"DO"}""", $"{V}.pmtudisc", "must be \"dont\", \"want\" or \"do\", not \"DO\"");
        yield return Case("bind_device invalid", """{"host":"10.1.2.3","vni1":1,"bind_device":"a:b"}""", $"{V}.bind_device", "is not a valid interface name");
        yield return Case("split not an object", """{"host":"10.1.2.3","vni1":1,"split":1400}""", $"{V}.split", "must be an object");
        yield return Case("split size too big", """{"host":"10.1.2.3","vni1":1,"split":{"max_payload_size":65536}}""", $"{V}.split.max_payload_size", "must be between 0 and 65535, not 65536");
        yield return Case("split size negative", """{"host":"10.1.2.3","vni1":1,"split":{"max_payload_size":-1}}""", $"{V}.split.max_payload_size", "must be between 0 and 65535, not -1");
        yield return Case("split checksum not a boolean", """{"host":"10.1.2.3","vni1":1,"split":{"recalculate_checksum":"yes"}}""", $"{V}.split.recalculate_checksum", "must be true or false");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string section, string path, string message) =>
        AssertSingleError(Load(WithOutput("vxlan", section)), path, message);

    [Test]
    public void A_vni1_wider_than_24_bits_warns_and_is_masked()
    {
        var config = AssertSingleWarning(Load(WithOutput("vxlan", """{"host":"10.1.2.3","vni1":16777217}""")), $"{V}.vni1",
            "0x1000001 is wider than 24 bits; only its low 24 bits are used (0x000001)");
        var settings = (VxlanSettings)config.Tasks[0].Outputs[0].Settings;
        Assert.That((settings.VniKind, settings.Vni), Is.EqualTo((VniKind.Vni1, 1u)));
    }

    [Test]
    public void Vni1_of_24_bits_is_kept() =>
        Assert.That(Settings("""{"host":"10.1.2.3","vni1":16777215}""").Vni, Is.EqualTo(0xFFFFFFu));

    [Test]
    public void Vni2_is_kept_whole()
    {
        VxlanSettings settings = Settings("""{"host":"10.1.2.3","vni2":4294967292}""");
        Assert.That((settings.VniKind, settings.Vni), Is.EqualTo((VniKind.Vni2, 0xFFFFFFFCu)));
    }

    [Test]
    public void A_null_vni_counts_as_absent() =>
        Assert.That(Settings("""{"host":"10.1.2.3","vni1":null,"vni2":913444}""").Vni, Is.EqualTo(913444u));

    [Test]
    public void Defaults() =>
        Assert.That(Settings("""{"host":"10.1.2.3","vni1":1}"""), Is.EqualTo(new VxlanSettings
        {
            Host = "10.1.2.3",
            Port = 4789,
            VniKind = VniKind.Vni1,
            Vni = 1,
            CaptureTime = false,
            BindDevice = null,
            PmtuDiscovery = null,
            SplitMaxPayloadSize = 0,
            SplitRecalculateChecksum = false,
        }));

    [Test]
    public void Every_key_is_read() =>
        Assert.That(
            Settings("""{"host":"fd00::2","port":4790,"vni2":32,"capture_time":true,"bind_device":"eth3","pmtudisc":"do","split":{"max_payload_size":1400,"recalculate_checksum":true}}"""),
            Is.EqualTo(new VxlanSettings
            {
                Host = "fd00::2",
                Port = 4790,
                VniKind = VniKind.Vni2,
                Vni = 32,
                CaptureTime = true,
                BindDevice = "eth3",
                PmtuDiscovery = PmtuDiscovery.Do,
                SplitMaxPayloadSize = 1400,
                SplitRecalculateChecksum = true,
            }));

    private static VxlanSettings Settings(string section) =>
        (VxlanSettings)AssertClean(Load(WithOutput("vxlan", section))).Tasks[0].Outputs[0].Settings;

    private static TestCaseData Case(string name, string section, string path, string message) =>
        new TestCaseData(section, path, message).SetName(name);
}
