using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using static Cpworker.Tests.Configuration.ConfigTestSupport;

namespace Cpworker.Tests.Configuration;

/// <summary>behaviour §2, <c>gre</c>; also the <c>host</c> syntax every network output shares.</summary>
public sealed class GreSettingsRulesTests
{
    private const string G = "tasks[0].outputs[0].gre";

    private static IEnumerable<TestCaseData> Violations()
    {
        yield return Case("host missing", "{}", $"{G}.host", "is required");
        yield return Case("host empty", """{"host":""}""", $"{G}.host", "must not be empty");
        yield return Case("host short IPv4", """{"host":"10.1.2"}""", $"{G}.host", "\"10.1.2\" is not a valid IPv4 address");
        yield return Case("host octet too big", """{"host":"10.1.2.256"}""", $"{G}.host", "\"10.1.2.256\" is not a valid IPv4 address");
        yield return Case("host leading zero", """{"host":"010.1.2.3"}""", $"{G}.host", "is not a valid IPv4 address");
        yield return Case("host bracketed IPv6", """{"host":"[fd00::1]"}""", $"{G}.host", "write an IPv6 address without brackets");
        yield return Case("host bad IPv6", """{"host":"fd00:::1:"}""", $"{G}.host", "is not a valid IPv6 address");
        yield return Case("host with port", """{"host":"10.1.2.3:4789"}""", $"{G}.host", "give the address or name alone; the port has its own key");
        yield return Case("host bad character", """{"host":"collector!"}""", $"{G}.host", "unexpected '!'");
        yield return Case("host label starts with dash", """{"host":"-a.example"}""", $"{G}.host", "cannot start or end with '-'");
        yield return Case("host empty label", """{"host":"a..example"}""", $"{G}.host", "1 … 63 characters");
        yield return Case("host numeric top label", """{"host":"a.1"}""", $"{G}.host", "is not a valid IPv4 address or host name");
        yield return Case("host not a string", """{"host":167838211}""", $"{G}.host", "must be a string");
        yield return Case("service_tag negative", """{"host":"10.1.2.3","service_tag":-1}""", $"{G}.service_tag", "must be between 0 and 4294967295, not -1");
        yield return Case("service_tag above 32 bits", """{"host":"10.1.2.3","service_tag":4294967296}""", $"{G}.service_tag", "must be between 0 and 4294967295");
        yield return Case("pmtudisc unknown", """{"host":"10.1.2.3","pmtudisc":"probe"}""", $"{G}.pmtudisc", "must be \"dont\", \"want\" or \"do\", not \"probe\"");
        yield return Case("send_path unknown", """{"host":"10.1.2.3","send_path":"ring"}""", $"{G}.send_path", "must be \"socket\", \"packet_ring\" or \"auto\", not \"ring\"");
        yield return Case("bind_device too long", """{"host":"10.1.2.3","bind_device":"a-very-long-device"}""", $"{G}.bind_device", "is not a valid interface name");
        yield return Case("bind_device with space", """{"host":"10.1.2.3","bind_device":"eth 3"}""", $"{G}.bind_device", "is not a valid interface name");
    }

    [TestCaseSource(nameof(Violations))]
    public void A_violation_is_one_error_at_its_path(string section, string path, string message) =>
        AssertSingleError(Load(WithOutput("gre", section)), path, message);

    [Test]
    public void A_service_tag_over_28_bits_warns_that_it_overwrites_the_direction()
    {
        var config = AssertSingleWarning(Load(WithOutput("gre", """{"host":"10.1.2.3","service_tag":268435456}""")), $"{G}.service_tag",
            "0x10000000 is above 0x0FFFFFFF: its top 4 bits overwrite the direction bits");
        Assert.That(((GreSettings)config.Tasks[0].Outputs[0].Settings).ServiceTag, Is.EqualTo(0x10000000u));
    }

    [TestCase(0x0FFFFFFFu)]
    [TestCase(0xFFFFFFFFu)]
    [TestCase(0u)]
    public void Service_tags_that_leave_the_direction_alone_do_not_warn(uint tag) =>
        Assert.That(((GreSettings)AssertClean(Load(WithOutput("gre", $"{{\"host\":\"10.1.2.3\",\"service_tag\":{tag}}}"))).Tasks[0].Outputs[0].Settings).ServiceTag, Is.EqualTo(tag));

    [Test]
    public void Defaults_are_no_tag_any_device_kernel_pmtu() =>
        Assert.That(AssertClean(Load(WithOutput("gre", """{"host":"10.1.2.3"}"""))).Tasks[0].Outputs[0].Settings,
            Is.EqualTo(new GreSettings { Host = "10.1.2.3", ServiceTag = 0xFFFFFFFF, BindDevice = null, PmtuDiscovery = null }));

    [TestCase("socket", 0)]
    [TestCase("packet_ring", 1)]
    [TestCase("auto", 2)]
    public void Send_path_is_read_for_gre_and_vxlan(string text, int value)
    {
        var expected = (Cpworker.Outputs.FastPath.SendPath)value;
        Assert.That(((GreSettings)AssertClean(Load(WithOutput("gre", $"{{\"host\":\"10.1.2.3\",\"send_path\":\"{text}\"}}"))).Tasks[0].Outputs[0].Settings).SendPath, Is.EqualTo(expected));
        Assert.That(((Cpworker.Outputs.Vxlan.VxlanSettings)AssertClean(Load(WithOutput("vxlan", $"{{\"host\":\"10.1.2.3\",\"vni1\":1,\"send_path\":\"{text}\"}}"))).Tasks[0].Outputs[0].Settings).SendPath, Is.EqualTo(expected));
    }

    [TestCase("dont", 0)]
    [TestCase("want", 1)]
    [TestCase("do", 2)]
    public void Pmtudisc_maps_to_the_socket_option_value(string text, int expected) =>
        Assert.That((int?)((GreSettings)AssertClean(Load(WithOutput("gre", $"{{\"host\":\"10.1.2.3\",\"pmtudisc\":\"{text}\"}}"))).Tasks[0].Outputs[0].Settings).PmtuDiscovery, Is.EqualTo(expected));

    [TestCase("10.1.2.3")]
    [TestCase("fd00::1")]
    [TestCase("::1")]
    [TestCase("fe80::1%2")]
    [TestCase("collector")]
    [TestCase("collector.example.com")]
    [TestCase("collector.example.com.")]
    [TestCase("probe-01.dc_2.example")]
    [TestCase("10.1.2.example")]
    public void Host_accepts_literals_and_names(string host) =>
        Assert.That(((GreSettings)AssertClean(Load(WithOutput("gre", $"{{\"host\":\"{host}\"}}"))).Tasks[0].Outputs[0].Settings).Host, Is.EqualTo(host));

    [Test]
    public void Every_key_is_read()
    {
        var settings = (GreSettings)AssertClean(Load(WithOutput("gre", """{"host":"10.1.2.3","service_tag":34,"bind_device":"eth3","pmtudisc":"want"}"""))).Tasks[0].Outputs[0].Settings;
        Assert.That(settings, Is.EqualTo(new GreSettings { Host = "10.1.2.3", ServiceTag = 34, BindDevice = "eth3", PmtuDiscovery = PmtuDiscovery.Want }));
    }

    [Test]
    public void An_empty_bind_device_means_any() =>
        Assert.That(((GreSettings)AssertClean(Load(WithOutput("gre", """{"host":"10.1.2.3","bind_device":""}"""))).Tasks[0].Outputs[0].Settings).BindDevice, Is.Null);

    private static TestCaseData Case(string name, string section, string path, string message) =>
        new TestCaseData(section, path, message).SetName(name);
}
