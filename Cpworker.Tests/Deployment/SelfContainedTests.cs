using System.Diagnostics;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>The self-contained build (<c>./build.sh publish</c>) runs where no .NET is installed.</summary>
public class SelfContainedTests
{
    [Test]
    public void The_self_contained_daemon_replays_with_no_dotnet_on_PATH_and_no_DOTNET_ROOT()
    {
        Artifacts.Require(Artifacts.SelfContained, "publish");
        string dir = Directory.CreateTempSubdirectory("cpwt-sc-").FullName;
        try
        {
            var capture = new PcapBuilder();
            for (int i = 0; i < 100; i++)
            {
                capture.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
            }

            string input = capture.WriteTo(Path.Combine(dir, "in.pcap"));
            string output = Path.Combine(dir, "out.pcap");
            string config = Path.Combine(dir, "cpworker.json");
            File.WriteAllText(config, $"{{\"tasks\":[{{\"capturer\":{{\"type\":\"pcap_file\",\"pcap_file\":{{\"file_name\":\"{input}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"{output}\"}}}}]}}]}}");

            // An environment with no dotnet anywhere: no PATH entry, no DOTNET_ROOT, no install location.
            var psi = new ProcessStartInfo(Artifacts.SelfContained, $"run -c {config} --exit-at-eof")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.Environment.Clear();
            psi.Environment["PATH"] = "/nonexistent";
            psi.Environment["DOTNET_ROOT"] = null;
            psi.Environment["DOTNET_ROOT_X64"] = null;
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            Assert.That(p.WaitForExit(60_000), Is.True);
            Assert.That(p.ExitCode, Is.EqualTo(0), err);
            Assert.That(PcapFileReader.Read(output).Records, Has.Count.EqualTo(100), err);
            Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(Artifacts.SelfContained)!, "libcoreclr.so")), Is.True, "the runtime is in the folder");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
