using System.Text.Json.Nodes;
using Cpworker.Engine.Packets;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// A varied capture replayed by the real daemon (both models) into the real <c>cpworker recv</c>,
/// both inside a test namespace (GRE needs it: a raw socket sees every GRE packet of its
/// namespace): the pcapng recv writes holds the input frames, with the classifier's directions and,
/// where the format carries it, the capture time; tshark reads it without a warning and selects one
/// direction by its flags.
/// </summary>
[NonParallelizable]
public sealed class RecvRoundTripTests : DaemonTestBase
{
    private const uint ServiceTag = 0x1A2;

    [TestCase("vxlan-vni1-capture-time", "rtc")]
    [TestCase("vxlan-vni1-capture-time", "pipeline")]
    [TestCase("vxlan-vni2", "rtc")]
    [TestCase("vxlan-vni2", "pipeline")]
    [TestCase("gre", "rtc")]
    [TestCase("gre", "pipeline")]
    [TestCase("zmq", "rtc")]
    [TestCase("zmq", "pipeline")]
    public void A_replay_comes_back_out_of_recv_frame_for_frame(string format, string model)
    {
        List<InputFrame> input = RoundTripCapture.Write(Path.Combine(Dir, "in.pcap"));
        List<InputFrame> expected = input.Where(f => f.Direction != PacketDirection.Unknown).ToList();
        Assert.That(expected.Select(f => f.Direction).Distinct().Count(), Is.EqualTo(2), "both directions are in the capture");
        Assert.That(expected.Count, Is.LessThan(input.Count), "some frames are of unknown direction or too short");
        string output = Path.Combine(Dir, "out.pcapng");
        using var ns = new TestNetns();
        string listen = format switch
        {
            "gre" => "--gre 127.0.0.1",
            "zmq" => "--zmq tcp://127.0.0.1:0",
            "vxlan-vni2" => "--vxlan 127.0.0.1:0 --vni vni2",
            _ => "--vxlan 127.0.0.1:0 --capture-time",
        };
        using var recv = new RecvProcess($"recv {listen} -w {output} --stats-interval 0", ns.Name);
        recv.WaitReady();
        int port = format == "gre" ? 0 : recv.PortOf(format.StartsWith("vxlan", StringComparison.Ordinal) ? "vxlan" : "zmq");
        string config = WriteConfig(Config(format, model, port), $"{model}.json");
        string daemonLog;
        using (var daemon = new RecvProcess($"run -c {config} --exit-at-eof", ns.Name))
        {
            Assert.That(daemon.WaitForExit(60_000), Is.EqualTo(0), daemon.Output);
            daemonLog = daemon.Output;
        }

        string tag = TagText(format);
        recv.WaitStats(s => RecvProcess.Packets(s, format[..3], tag) >= expected.Count);
        (int? code, JsonObject? stats) = recv.Stop();
        Assert.That(code, Is.EqualTo(0), recv.Output);
        Assert.That(File.Exists(output + ".part"), Is.False, "the .part name is gone once complete");
        Assert.That(RecvProcess.Packets(stats!, format[..3], tag), Is.EqualTo(expected.Count), recv.Output + "\n--- daemon ---\n" + daemonLog);
        Assert.That(RecvProcess.Packets(stats!, format[..3], tag, "incoming"), Is.EqualTo(expected.Count(f => f.Direction == PacketDirection.Incoming)));

        List<PcapngPacket> packets = PcapngReader.Read(output).Where(p => p.InterfaceName.EndsWith(tag, StringComparison.Ordinal)).ToList();
        Assert.That(packets, Has.Count.EqualTo(expected.Count));
        long started = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds() * 1_000_000;
        for (int i = 0; i < expected.Count; i++)
        {
            InputFrame e = expected[i];
            PcapngPacket a = packets[i];
            byte[] frame = format == "zmq" ? e.Data[..Math.Min(e.Data.Length, Math.Max(ZmqSlice, L2Length(e.Data)))] : e.Data;
            Assert.That(a.Data, Is.EqualTo(frame), $"frame {i}");
            Assert.That(a.Direction, Is.EqualTo((int)e.Direction), $"direction of frame {i}");
            Assert.That(a.OriginalLength, Is.EqualTo(format == "zmq" ? e.Data.Length : frame.Length), $"length of frame {i}");
            long time = format switch
            {
                "zmq" => e.TimestampNanos / 1000 * 1000,
                "vxlan-vni1-capture-time" => e.TimestampNanos,
                _ => -1,
            };
            Assert.That(a.TimestampNanos, time < 0 ? Is.GreaterThan(started) : Is.EqualTo(time), $"time of frame {i}");
        }

        (int tsharkCode, string tsharkOut, string tsharkErr) = Run.Command("tshark", $"-n -r {output} -Y \"frame.packet_flags_direction == 1\" -T fields -e frame.number", 60_000);
        Assert.That(tsharkCode, Is.EqualTo(0), tsharkErr);
        Assert.That(tsharkErr.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("Running as user", StringComparison.Ordinal)), Is.Empty, "tshark warns about nothing");
        int inbound = tsharkOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.That(inbound, Is.EqualTo(packets.Count(p => p.Direction == 1)), "tshark selects the inbound frames by their flags");
    }

    private const int ZmqSlice = 200;

    private static int L2Length(byte[] f)
    {
        int l2 = 14;
        while (f.Length >= l2 && (f[l2 - 2] << 8 | f[l2 - 1]) is 0x8100 or 0x88A8 or 0x9100 or 0x9200)
        {
            l2 += 4;
        }

        return l2;
    }

    private static string TagText(string format) => format switch
    {
        "gre" => $"tag 0x{ServiceTag:x}",
        "zmq" => $"service_tag {ServiceTag}",
        "vxlan-vni2" => "vni2 0xdf000",
        _ => $"vni1 0x{ServiceTag:x}",
    };

    private object Config(string format, string model, int port)
    {
        object output = format switch
        {
            "gre" => new { type = "gre", gre = (object)new { host = "127.0.0.1", service_tag = ServiceTag } },
            "zmq" => new { type = "zmq", slice = ZmqSlice, zmq = (object)new { host = "127.0.0.1", port, service_tag = ServiceTag, uuid = "123e4567-e89b-12d3-a456-426614174000", hwm = 1000 } },
            "vxlan-vni2" => new { type = "vxlan", vxlan = (object)new { host = "127.0.0.1", port, vni2 = 0xDF000 } },
            _ => new { type = "vxlan", vxlan = (object)new { host = "127.0.0.1", port, vni1 = ServiceTag, capture_time = true } },
        };
        return new
        {
            execution_model = model,
            pipeline = new { buffer_size_mb = 4 },
            tasks = new[]
            {
                new
                {
                    req_pattern = new { type = "custom", custom = new { pattern = RoundTripCapture.Pattern } },
                    capturer = new { type = "pcap_file", pcap_file = new { file_name = Path.Combine(Dir, "in.pcap") } },
                    outputs = new[] { output },
                },
            },
        };
    }
}
