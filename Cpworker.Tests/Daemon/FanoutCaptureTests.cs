using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Cpworker.Tests.Control;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Daemon;

/// <summary>
/// <c>libpcap.threads</c>: several capture threads in one fanout group on a veth of a namespace the
/// test created. Many flows go in; each packet must come out exactly once, every flow in order, in
/// one file, and both threads must have carried a share.
/// </summary>
public class FanoutCaptureTests : DaemonTestBase
{
    private const int Flows = 48;
    private const int PacketsPerFlow = 250;
    private const int Port = 7777;

    [TestCase("rtc", "libpcap", 0)]
    [TestCase("pipeline", "libpcap", 0)]
    [TestCase("rtc", "ring", 5)]
    [TestCase("pipeline", "ring", 5)]
    public void Every_packet_of_many_flows_arrives_exactly_once_and_in_flow_order(string model, string reader, int timeoutMs)
    {
        using var ns = new TestNetns();
        string outFile = Path.Combine(Dir, "fanout.pcap");
        string socketPath = Path.Combine(Dir, "ctl.sock");
        string config = WriteConfig(new
        {
            execution_model = model,
            pipeline = new { buffer_size_mb = 8 },
            control = new { type = "unix", unix = new { path = socketPath } },
            tasks = new[]
            {
                new
                {
                    capturer = new
                    {
                        type = "libpcap",
                        libpcap = new { @interface = ns.NsVeth, netns = ns.Path, bpf = $"udp and dst port {Port}", buffer_size_mb = 16, threads = 2, reader, timeout_ms = timeoutMs },
                    },
                    outputs = new object[] { new { type = "file", file = new { name = outFile } } },
                },
            },
        });

        using var daemon = DaemonProcess.Start($"run -c {config}");
        Assert.That(daemon.WaitForLine("running", 20_000), Is.True, daemon.Output);

        int total = SendFlows(ns);

        JsonArray? threads = null;
        Assert.That(
            Run.Until(() => (threads = CaptureThreads(socketPath)) is not null && threads.Sum(t => (long)t!["cap_packets"]!) >= total, 15_000),
            Is.True,
            $"per-thread counters: {threads?.ToJsonString()}\n{daemon.Output}");
        var ctlOut = new StringWriter();
        Assert.That(Cpworker.Host.Cli.CommandLine.Run(["ctl", "--socket", socketPath, "tasks"], ctlOut, new StringWriter()), Is.Zero);
        var threadLines = ctlOut.ToString().Split('\n').Where(l => l.StartsWith("  capture thread ", StringComparison.Ordinal)).ToList();
        Assert.That(threadLines, Has.Count.EqualTo(2), ctlOut.ToString());
        Assert.That(threadLines.Sum(l => long.Parse(l.Split("captured")[1].Split("kernel")[0].Trim(), System.Globalization.CultureInfo.InvariantCulture)), Is.EqualTo(total), ctlOut.ToString());
        daemon.Signal(15);
        Assert.That(daemon.WaitForExit(10_000), Is.EqualTo(0), daemon.Output);

        Assert.That(threads!, Has.Count.EqualTo(2));
        Assert.That(threads!.Select(t => (long)t!["drop_packets"]!), Is.All.EqualTo(0), threads.ToJsonString());
        Assert.That(threads!.Select(t => (long)t!["cap_packets"]!), Is.All.GreaterThan(0), $"fanout should spread {Flows} flows over both threads: {threads.ToJsonString()}");

        // One file; every (flow, sequence) exactly once; within a flow, sequences ascending.
        Assert.That(Directory.GetFiles(Dir, "fanout*"), Has.Length.EqualTo(1));
        var lastSequence = new Dictionary<int, int>();
        var seen = new HashSet<(int Flow, int Sequence)>();
        foreach (PcapRecord r in PcapFileReader.Read(outFile).Records)
        {
            (int flow, int sequence) = Decode(r.Data);
            Assert.That(seen.Add((flow, sequence)), Is.True, $"flow {flow} packet {sequence} arrived twice");
            int last = lastSequence.GetValueOrDefault(flow, -1);
            Assert.That(sequence, Is.GreaterThan(last), $"flow {flow}: packet {sequence} after {last}");
            lastSequence[flow] = sequence;
        }

        Assert.That(seen, Has.Count.EqualTo(total), "every packet sent arrives");
    }

    /// <summary>
    /// Sends <see cref="PacketsPerFlow"/> datagrams on each of <see cref="Flows"/> sockets (one
    /// source port each), round-robin so that the flows interleave on the wire; returns how many.
    /// </summary>
    private static int SendFlows(TestNetns ns)
    {
        var sockets = new Socket[Flows];
        try
        {
            for (int f = 0; f < Flows; f++)
            {
                sockets[f] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets[f].Bind(new IPEndPoint(IPAddress.Parse(ns.HostAddress), 0));
            }

            var target = new IPEndPoint(IPAddress.Parse(ns.NsAddress), Port);
            byte[] payload = new byte[64];
            for (int s = 0; s < PacketsPerFlow; s++)
            {
                for (int f = 0; f < Flows; f++)
                {
                    BinaryPrimitives.WriteInt32BigEndian(payload, f);
                    BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(4), s);
                    sockets[f].SendTo(payload, target);
                }
            }

            return Flows * PacketsPerFlow;
        }
        finally
        {
            foreach (Socket? s in sockets)
            {
                s?.Dispose();
            }
        }
    }

    /// <summary>The <c>capture.threads</c> array of the task in <c>ctl tasks</c>; null when not there (yet).</summary>
    private static JsonArray? CaptureThreads(string socketPath)
    {
        using RawClient c = RawClient.Handshaken(socketPath);
        JsonNode? reply = JsonNode.Parse(c.Exchange("{\"command\":\"tasks\"}"));
        return reply?["tasks"]?[0]?["capture"]?["threads"] as JsonArray;
    }

    private static (int Flow, int Sequence) Decode(byte[] frame)
    {
        int ip = 14;
        int udp = ip + (frame[ip] & 0x0F) * 4;
        ReadOnlySpan<byte> payload = frame.AsSpan(udp + 8);
        return (BinaryPrimitives.ReadInt32BigEndian(payload), BinaryPrimitives.ReadInt32BigEndian(payload[4..]));
    }
}
