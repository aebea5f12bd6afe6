using System.Net;
using System.Net.Sockets;
using System.Text;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>The daemon capturing live inside a network namespace the test created.</summary>
[Category(TestCategories.Root)]
public class LiveNamespaceTests : DaemonTestBase
{
    [TestCase("rtc")]
    [TestCase("pipeline")]
    public void Traffic_sent_into_a_namespace_is_captured_there_and_written_exactly(string model)
    {
        using var ns = new TestNetns();
        string outFile = Path.Combine(Dir, "live.pcap");
        string config = WriteConfig(new
        {
            execution_model = model,
            pipeline = new { buffer_size_mb = 8 },
            tasks = new[]
            {
                new
                {
                    capturer = new
                    {
                        type = "libpcap",
                        libpcap = new { @interface = ns.NsVeth, netns = ns.Path, bpf = "udp and dst host nic." + ns.NsVeth + " and dst port 7777" },
                    },
                    outputs = new object[] { new { type = "file", file = new { name = outFile } } },
                },
            },
        });

        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);

        var sent = new List<string>();
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(ns.HostAddress), 0));
            var target = new IPEndPoint(IPAddress.Parse(ns.NsAddress), 7777);
            var noise = new IPEndPoint(IPAddress.Parse(ns.NsAddress), 7778);
            for (int i = 0; i < 50; i++)
            {
                string payload = $"cpworker live test datagram {i:D3} {model}";
                sent.Add(payload);
                socket.SendTo(Encoding.ASCII.GetBytes(payload), target);
                socket.SendTo(Encoding.ASCII.GetBytes("filtered out"), noise);
            }
        }

        // Written within about a second (flush rule), without stopping the daemon.
        Assert.That(Run.Until(() => File.Exists(outFile) && TryCount(outFile) == 50, 10_000), Is.True, $"{TryCount(outFile)} records\n{daemon.Output}");
        daemon.Signal(15);
        Assert.That(daemon.WaitForExit(5000), Is.EqualTo(0), daemon.Output);

        var payloads = PcapFileReader.Read(outFile).Records.Select(r => UdpPayload(r.Data)).ToList();
        Assert.That(payloads, Is.EqualTo(sent));
    }

    private static int TryCount(string path)
    {
        try
        {
            return PcapFileReader.Read(path).Records.Count;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    private static string UdpPayload(byte[] frame)
    {
        int ip = 14;
        int ihl = (frame[ip] & 0x0F) * 4;
        int udp = ip + ihl;
        int length = (frame[udp + 4] << 8 | frame[udp + 5]) - 8;
        return Encoding.ASCII.GetString(frame, udp + 8, length);
    }
}
