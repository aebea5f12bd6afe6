using Cpworker.Outputs.RotatingFile;

namespace Cpworker.Tests.Files;

/// <summary>The names <c>rotating_file</c> writes and the only names it ever deletes.</summary>
[TestFixture]
public sealed class RotatingFileNamesTests
{
    [Test]
    public void Names_follow_the_scheme()
    {
        var local = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));
        Assert.That(RotatingFileNames.FileName(local, 0), Is.EqualTo("pktminerg_dump_20240506070809.pcap"));
        Assert.That(RotatingFileNames.FileName(local, 12), Is.EqualTo("pktminerg_dump_20240506070809_12.pcap"));
        Assert.That(RotatingFileNames.HourDirectory("/data", local), Is.EqualTo("/data/2024050607"));
    }

    [TestCase("pktminerg_dump_20240506070809.pcap", 20240506070809L, 0)]
    [TestCase("pktminerg_dump_20240506070809_1.pcap", 20240506070809L, 1)]
    [TestCase("pktminerg_dump_20240506070809_123.pcap", 20240506070809L, 123)]
    public void Own_names_parse(string name, long stamp, int suffix)
    {
        Assert.That(RotatingFileNames.TryParse(name, out long s, out int n), Is.True);
        Assert.That((s, n), Is.EqualTo((stamp, suffix)));
    }

    [TestCase("pktminerg_dump_20240506070809.pcap.part")]
    [TestCase("pktminerg_dump_2024050607080.pcap")]
    [TestCase("pktminerg_dump_202405060708091.pcap")]
    [TestCase("pktminerg_dump_20240506070809_.pcap")]
    [TestCase("pktminerg_dump_20240506070809_0.pcap")]
    [TestCase("pktminerg_dump_20240506070809_01.pcap")]
    [TestCase("pktminerg_dump_20240506070809_1a.pcap")]
    [TestCase("pktminerg_dump_20240506070809_99999999999.pcap")]
    [TestCase("other_20240506070809.pcap")]
    [TestCase("pktminerg_dump_2024O506070809.pcap")]
    public void Other_names_are_left_alone(string name) =>
        Assert.That(RotatingFileNames.TryParse(name, out _, out _), Is.False);

    [TestCase("2024050607", true)]
    [TestCase("202405060", false)]
    [TestCase("20240506071", false)]
    [TestCase("2024o50607", false)]
    public void Hour_directories(string name, bool expected) =>
        Assert.That(RotatingFileNames.IsHourDirectoryName(name), Is.EqualTo(expected));
}
