using System.Buffers.Binary;
using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Embedding;

/// <summary>
/// An output type written outside this repository (samples/FrameLogOutput), built against the packed
/// Cpworker.Engine package from a local feed on a clean cache: it must run on the packet path like
/// cpworker's own outputs (encoder and transport on the rtc thread under rtc; encoder on the
/// encapsulation thread and transport on its sender thread under pipeline), lose nothing on a
/// replay, and write exactly the bytes its format says.
/// </summary>
[NonParallelizable]
public class OutOfTreeOutputTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cpwo-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void An_output_built_from_the_packages_runs_inline_under_both_models_and_writes_its_bytes()
    {
        PackedSample.Prepare(_dir, "Cpworker.Engine");

        // 400 requests to port 80 and 400 responses of varied length, and 100 packets the pattern leaves without a direction.
        var pcap = new PcapBuilder();
        var expected = new MemoryStream();
        byte[] length = new byte[4];
        for (int i = 0; i < 400; i++)
        {
            foreach (byte[] frame in new[] { Tcp([10, 0, 0, 2], [10, 0, 0, 1], 40000 + i, 80, i % 97), Tcp([10, 0, 0, 1], [10, 0, 0, 2], 80, 40000 + i, 1400 - i) })
            {
                pcap.Add(frame, 1_700_000_000_000_000_000 + pcap.Count * 1000L);
                BinaryPrimitives.WriteUInt32BigEndian(length, (uint)frame.Length);
                expected.Write(length);
                expected.Write(frame);
            }
        }

        for (int i = 0; i < 100; i++)
        {
            pcap.Add(Tcp([10, 0, 0, 3], [10, 0, 0, 4], 1234, 5678, 10), 1_700_000_001_000_000_000 + i);
        }

        string capture = pcap.WriteTo(Path.Combine(_dir, "capture.pcap"));
        string outDir = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        string stdout = PackedSample.RunAndAssert(_dir, "FrameLogOutput", $"\"{capture}\" \"{outDir}\"", out string stderr);

        var threads = new Dictionary<string, (string Encoder, string Transport)>
        {
            ["rtc"] = ("cpw-replay-rtc", "cpw-replay-rtc"),
            ["pipeline"] = ("cpw-replay-encap", "cpw-replay-send0"),
        };
        foreach ((string model, (string encoder, string transport)) in threads)
        {
            Match m = Regex.Match(stdout, $@"^{model}: forwarded (\d+) bytes (\d+) errors (\d+) direction (\d+) encoder (\S+) transport (\S+) ", RegexOptions.Multiline);
            Assert.That(m.Success, Is.True, stdout + stderr);
            Assert.Multiple(() =>
            {
                Assert.That(m.Groups[1].Value, Is.EqualTo("800"), $"{model}: forwarded packets");
                Assert.That(m.Groups[3].Value, Is.EqualTo("0"), $"{model}: error drops (a replay loses nothing)");
                Assert.That(m.Groups[4].Value, Is.EqualTo("100"), $"{model}: direction drops");
                Assert.That(m.Groups[5].Value, Is.EqualTo(encoder), $"{model}: the encoder runs on the packet path");
                Assert.That(m.Groups[6].Value, Is.EqualTo(transport), $"{model}: the transport runs where cpworker's own outputs' do, not on an isolated thread");
                Assert.That(File.ReadAllBytes(Path.Combine(outDir, $"{model}.framelog")), Is.EqualTo(expected.ToArray()), $"{model}: the file holds every accepted frame, in order");
            });
        }
    }

    /// <summary>A TCP/IPv4 frame followed by <paramref name="padding"/> bytes after the IP packet.</summary>
    private static byte[] Tcp(byte[] src, byte[] dst, int sport, int dport, int padding)
    {
        byte[] f = new byte[54 + padding];
        Convert.FromHexString("020000000002020000000001080045000028000040004006").CopyTo(f, 0);
        src.CopyTo(f, 26);
        dst.CopyTo(f, 30);
        f[34] = (byte)(sport >> 8);
        f[35] = (byte)sport;
        f[36] = (byte)(dport >> 8);
        f[37] = (byte)dport;
        f[46] = 0x50; // data offset 5
        for (int i = 54; i < f.Length; i++)
        {
            f[i] = (byte)(i * 7 + sport);
        }

        return f;
    }
}
