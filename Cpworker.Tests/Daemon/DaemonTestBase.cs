using System.Text.Json;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>A temporary directory per test, config writing, and comparisons of pcap records.</summary>
public abstract class DaemonTestBase
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    /// <summary>The test's scratch directory, removed afterwards.</summary>
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateDirectory() => Dir = Directory.CreateTempSubdirectory("cpwd-").FullName;

    [TearDown]
    public void RemoveDirectory()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes <paramref name="config"/> as JSON into the directory and returns its path.</summary>
    protected string WriteConfig(object config, string name = "cpworker.json")
    {
        string path = Path.Combine(Dir, name);
        File.WriteAllText(path, JsonSerializer.Serialize(config, s_indented));
        return path;
    }

    /// <summary>A capture of <paramref name="count"/> UDP-ish frames of varied size, <paramref name="spacingNanos"/> apart.</summary>
    protected string WriteCapture(int count, long spacingNanos, string name = "in.pcap")
    {
        var pcap = new PcapBuilder(snaplen: 65535);
        var rng = new Random(42);
        long ts = 1_750_000_000_000_000_000;
        for (int i = 0; i < count; i++)
        {
            byte[] frame = new byte[rng.Next(60, 1400)];
            rng.NextBytes(frame);
            frame[12] = 0x08;
            frame[13] = 0x00;
            pcap.Add(frame, ts);
            ts += spacingNanos;
        }

        return pcap.WriteTo(Path.Combine(Dir, name));
    }

    /// <summary>Asserts that <paramref name="actual"/>'s records are the first records of <paramref name="expected"/>, byte for byte.</summary>
    private protected static void AssertRecordsArePrefix(PcapFileReader expected, PcapFileReader actual, bool complete)
    {
        Assert.That(actual.Records.Count, complete ? Is.EqualTo(expected.Records.Count) : Is.LessThanOrEqualTo(expected.Records.Count));
        for (int i = 0; i < actual.Records.Count; i++)
        {
            PcapRecord e = expected.Records[i], a = actual.Records[i];
            Assert.That((a.Seconds, a.Subseconds, a.OriginalLength), Is.EqualTo((e.Seconds, e.Subseconds, e.OriginalLength)), $"record {i} header");
            Assert.That(a.Data, Is.EqualTo(e.Data), $"record {i} bytes");
        }
    }
}
