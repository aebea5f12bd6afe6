using System.Net;
using System.Net.Sockets;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Deployment;

/// <summary>
/// The OCI image (<c>./build.sh image</c>: Debian packages only, the .deb installed inside) run
/// with podman: <c>--version</c>, a replay, and a live capture on <c>lo</c> into a mounted
/// directory checked with tcpdump, with only NET_RAW/NET_ADMIN and a read-only root.
/// </summary>
[CancelAfter(300_000)]
public class ImageTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cpwt-img-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void The_image_carries_the_package_its_labels_and_replays_a_file()
    {
        Podman.RequireImage();
        Assert.That(Podman.Checked($"run --rm {Podman.RunOptions} {Artifacts.Image} --version").Trim(), Does.StartWith(Artifacts.Version));
        Assert.That(Podman.Checked($"run --rm {Podman.RunOptions} --entrypoint dpkg-query {Artifacts.Image} -W -f ${{Version}} cpworker"), Is.EqualTo(Artifacts.Version), "installed from the .deb");
        string labels = Podman.Checked($"image inspect --format \"{{{{json .Labels}}}}\" {Artifacts.Image}");
        Assert.That(labels, Does.Contain($"\"org.opencontainers.image.version\":\"{Artifacts.Version}\"").And.Contain("\"org.opencontainers.image.licenses\":\"MIT\"").And.Contain("org.opencontainers.image.source"));

        var capture = new PcapBuilder();
        for (int i = 0; i < 500; i++)
        {
            capture.Add(TestFrames.FrameA, 1_700_000_000_000_000_000 + i * 1000L);
        }

        capture.WriteTo(Path.Combine(_dir, "in.pcap"));
        File.WriteAllText(Path.Combine(_dir, "replay.json"), "{\"tasks\":[{\"capturer\":{\"type\":\"pcap_file\",\"pcap_file\":{\"file_name\":\"/work/in.pcap\"}},\"outputs\":[{\"type\":\"file\",\"file\":{\"name\":\"/work/out.pcap\"}}]}]}");
        Podman.Checked($"run --rm {Podman.RunOptions} -v {_dir}:/work {Artifacts.Image} run -c /work/replay.json --exit-at-eof");
        Assert.That(TcpdumpCount(Path.Combine(_dir, "out.pcap")), Is.EqualTo(500));
    }

    [Test]
    public void The_image_captures_on_lo_into_a_mounted_directory()
    {
        Podman.RequireImage();
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)receiver.LocalEndPoint!).Port;
        string config = Path.Combine(_dir, "config");
        string captures = Path.Combine(_dir, "captures");
        Directory.CreateDirectory(config);
        Directory.CreateDirectory(captures);
        File.WriteAllText(Path.Combine(config, "cpworker.json"),
            $"{{\"tasks\":[{{\"name\":\"lo\",\"capturer\":{{\"type\":\"libpcap\",\"libpcap\":{{\"interface\":\"lo\",\"buffer_size_mb\":4,\"bpf\":\"udp and dst port {port}\"}}}},\"outputs\":[{{\"type\":\"file\",\"file\":{{\"name\":\"/captures/lo.pcap\"}}}}]}}]}}");
        string name = $"cpwt-img-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        try
        {
            Podman.Checked($"run -d --name {name} {Podman.RunOptions} -v {config}:/etc/cpworker:ro -v {captures}:/captures {Artifacts.Image}");
            Assert.That(Run.Until(() => Logs(name).Contains("lo: running", StringComparison.Ordinal), 60_000, 200), Is.True, Logs(name));

            using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var target = new IPEndPoint(IPAddress.Loopback, port);
            for (int i = 0; i < 200; i++)
            {
                sender.SendTo(BitConverter.GetBytes(i), target);
            }

            string file = Path.Combine(captures, "lo.pcap");
            Assert.That(Run.Until(() => File.Exists(file) && TcpdumpCount(file) == 200, 20_000, 200), Is.True, $"{(File.Exists(file) ? TcpdumpCount(file) : -1)} packets\n{Logs(name)}");
            Podman.Checked($"stop -t 10 {name}");
            Assert.That(Podman.Checked($"inspect --format {{{{.State.ExitCode}}}} {name}").Trim(), Is.EqualTo("0"), Logs(name));
            int count = TcpdumpCount(file);
            TestContext.Progress.WriteLine($"podman run captured {count} packets on lo");
            Assert.That(count, Is.EqualTo(200));
        }
        finally
        {
            Run.Command("podman", $"rm -f {name}", 60_000);
        }
    }

    private static string Logs(string name)
    {
        var (_, stdout, stderr) = Run.Command("podman", $"logs {name}");
        return stdout + stderr;
    }

    /// <summary>Packets tcpdump reads from <paramref name="file"/>; -1 when it cannot read it.</summary>
    private static int TcpdumpCount(string file)
    {
        var (code, stdout, _) = Run.Command("tcpdump", $"-nn -r {file}");
        return code == 0 ? stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length : -1;
    }
}
