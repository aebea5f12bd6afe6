using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Embedding;

/// <summary>The NuGet packages as an application gets them: packed, restored from a folder, on a clean cache.</summary>
[NonParallelizable]
public class PackageTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cpwp-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void The_sample_runs_from_the_packed_packages_on_a_clean_cache_and_counts_right()
    {
        // The layout the sample expects: <root>/version.props, <root>/samples/…, <root>/artifacts/packages.
        string feed = PackedSample.Prepare(_dir, "Cpworker.Engine", "Cpworker.Outputs");
        Assert.That(Directory.GetFiles(feed, "*.nupkg"), Has.Length.EqualTo(2));
        Assert.That(Directory.GetFiles(feed, "*.snupkg"), Has.Length.EqualTo(2), "symbol packages");

        // 300 requests to port 80, 300 responses, 100 packets of another conversation.
        var pcap = new PcapBuilder();
        for (int i = 0; i < 300; i++)
        {
            pcap.Add(Tcp([10, 0, 0, 2], [10, 0, 0, 1], 40000 + i, 80), 1_700_000_000_000_000_000 + i * 2000L);
            pcap.Add(Tcp([10, 0, 0, 1], [10, 0, 0, 2], 80, 40000 + i), 1_700_000_000_000_000_000 + i * 2000L + 1000);
        }

        for (int i = 0; i < 100; i++)
        {
            pcap.Add(Tcp([10, 0, 0, 3], [10, 0, 0, 4], 1234, 5678), 1_700_000_001_000_000_000 + i);
        }

        string capture = pcap.WriteTo(Path.Combine(_dir, "capture.pcap"));
        string stdout = PackedSample.RunAndAssert(_dir, "EmbeddedRecorder", $"\"{capture}\"", out string stderr);
        Assert.That(stdout, Does.Contain("incoming 300").And.Contain("outgoing 300").And.Contain("unknown 100"), stdout + stderr);
        Assert.That(stdout, Does.Contain("channel 600 packets, last at 1700000000000599000 ns"), "the channel output's reader got every packet with a known direction: " + stdout + stderr);
    }

    [Test]
    public void Changing_the_public_surface_without_updating_the_baseline_fails_the_build()
    {
        foreach (string project in new[] { "Cpworker.Engine", "Cpworker.Outputs" })
        {
            string shipped = File.ReadAllText(Repository.PathOf(project, "PublicAPI.Shipped.txt"));
            Assert.That(shipped, Does.StartWith("#nullable enable"), project);
            Assert.That(File.Exists(Repository.PathOf(project, "PublicAPI.Unshipped.txt")), Is.True, project);
        }

        Assert.That(File.ReadAllText(Repository.PathOf("Cpworker.Engine", "PublicAPI.Shipped.txt")), Does.Contain("Cpworker.Engine.Runtime.CpworkerEngine.Start() -> void"));

        // A copy of the engine with one new public type: the analyzer must stop the build.
        foreach (string file in new[] { ".editorconfig", "Directory.Build.props", "Directory.Packages.props", "version.props" })
        {
            File.Copy(Repository.PathOf(file), Path.Combine(_dir, file));
        }

        Repository.CopyTree(Repository.PathOf("eng"), Path.Combine(_dir, "eng"));
        string engine = Path.Combine(_dir, "Cpworker.Engine");
        Repository.CopyTree(Repository.PathOf("Cpworker.Engine"), engine);
        File.WriteAllText(Path.Combine(engine, "ApiProbe.cs"), "namespace Cpworker.Engine;\n/// <summary>Not in the baseline.</summary>\npublic sealed class ApiProbe\n{\n}\n");
        (int exit, string stdout, string stderr) = Run.Command("dotnet", $"build \"{engine}\" -c Debug", 300_000);
        Assert.That(exit, Is.Not.EqualTo(0), "the build must fail");
        Assert.That(Regex.IsMatch(stdout + stderr, @"RS0016.*Cpworker\.Engine\.ApiProbe"), Is.True, stdout + stderr);
    }

    private static byte[] Tcp(byte[] src, byte[] dst, int sport, int dport)
    {
        byte[] f = new byte[54];
        Convert.FromHexString("020000000002020000000001080045000028000040004006").CopyTo(f, 0);
        src.CopyTo(f, 26);
        dst.CopyTo(f, 30);
        f[34] = (byte)(sport >> 8);
        f[35] = (byte)sport;
        f[36] = (byte)(dport >> 8);
        f[37] = (byte)dport;
        f[46] = 0x50; // data offset 5
        return f;
    }
}
