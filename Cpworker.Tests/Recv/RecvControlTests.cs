using System.Runtime.Versioning;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Cpworker.Engine.Packets;
using Cpworker.Host.Control;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Control;
using Cpworker.Tests.Daemon;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Recv;

/// <summary>
/// <c>cpworker recv --control-socket</c> (docs/recv.md, "Counters and metrics"): the real recv gets
/// VXLAN, GRE and ZMQ traffic (good and malformed) inside a test namespace, and the real
/// <c>cpworker ctl</c> reads its counters: they equal what was sent, the table shows them, and the
/// final JSON recv prints at stop is the last <c>ctl stats --json</c> reply without its status.
/// Bad and daemon-only requests get ERROR replies and recv runs on.
/// </summary>
[NonParallelizable]
[CancelAfter(240_000)]
[SupportedOSPlatform("linux")]
public sealed class RecvControlTests : DaemonTestBase
{
    /// <summary>What one listener kind was sent: frames, bytes, directions, datagrams or messages, malformed ones.</summary>
    private sealed class Sent
    {
        public long Packets;
        public long Bytes;
        public long Incoming;
        public long Outgoing;
        public long Received;
        public long Malformed;
    }

    [Test]
    [Category(TestCategories.Root)]
    public void Ctl_reads_the_per_sender_counters_of_the_traffic_sent_and_bad_requests_leave_recv_running()
    {
        var sent = new Dictionary<string, Sent> { ["vxlan"] = new(), ["gre"] = new(), ["zmq"] = new() };
        string input = WriteTraffic(sent);
        string script = Path.Combine(Dir, "send.py");
        File.WriteAllText(script, RecvMalformedInputTests.Script);
        string socket = Path.Combine(Dir, "run", "recv.sock");
        using var ns = new TestNetns();
        using var recv = new RecvProcess(
            $"recv --vxlan 127.0.0.1:0 --capture-time --gre 127.0.0.1 --zmq tcp://127.0.0.1:0 -w {Path.Combine(Dir, "out.pcapng")} --stats-interval 0 --control-socket {socket}", ns.Name);
        recv.WaitReady();
        Assert.That(File.GetUnixFileMode(socket), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "mode 0600, as the daemon's");

        // Before any traffic: every listener, no sender.
        string info = CtlProcess.Checked("--socket", socket, "info");
        Assert.That(info, Does.Contain("(cpworker recv)").And.Contain($"pid              ").And.Contain("config           (command-line options)"));
        Assert.That(Regex.Count(info, "(?m)^listener +"), Is.EqualTo(3), info);
        Assert.That(CtlProcess.Checked("--socket", socket, "ping"), Does.StartWith("pong: ts_ms "));

        ns.Exec($"/usr/bin/python3 {script} {recv.PortOf("vxlan")} {recv.PortOf("zmq")} {input}", 60_000);
        long expectedPackets = sent.Values.Sum(s => s.Packets), expectedMalformed = sent.Values.Sum(s => s.Malformed);
        JsonObject? stats = null;
        Assert.That(Run.Until(() => (stats = StatsJson(socket).Stats) is { } s && Total(s, "packets") >= expectedPackets && MalformedTotal(s) >= expectedMalformed, 30_000, 200), Is.True, recv.Output);
        foreach ((string kind, Sent s) in sent)
        {
            JsonObject l = Listener(stats!, kind);
            long Sum(string key) => l["senders"]!.AsArray().Sum(x => x![key]!.GetValue<long>());
            Assert.That(
                (Sum("packets"), Sum("bytes"), Sum("incoming"), Sum("outgoing"), l["received"]!.GetValue<long>(), l["malformed"]!["total"]!.GetValue<long>()),
                Is.EqualTo((s.Packets, s.Bytes, s.Incoming, s.Outgoing, s.Received, s.Malformed)),
                $"{kind}: packets, bytes, incoming, outgoing, received, malformed as sent\n{stats!.ToJsonString()}");
        }

        // The table shows the same numbers, one row per listener and per sender+tag.
        string table = CtlProcess.Checked("--socket", socket, "stats");
        TestContext.Out.WriteLine(table);
        foreach (JsonNode? node in stats!["receivers"]!.AsArray())
        {
            JsonObject l = node!.AsObject();
            JsonArray senders = l["senders"]!.AsArray();
            long Sum(string key) => senders.Sum(x => x![key]!.GetValue<long>());
            Assert.That(table, Does.Match($@"(?m)^{Regex.Escape((string)l["listener"]!)}\s+{l["received"]}\s+{Sum("packets")}\s+{Sum("bytes")}\s+{Sum("incoming")}\s+{Sum("outgoing")}\s+{l["malformed"]!["total"]}$"));
            foreach (JsonNode? x in senders)
            {
                string tag = (string)x!["tag"]! is { Length: > 0 } t ? t : "-";
                Assert.That(table, Does.Match($@"(?m)^  {Regex.Escape((string)x["sender"]!)}\s+{Regex.Escape(tag)}\s+{x["packets"]}\s+{x["bytes"]}\s+{x["incoming"]}\s+{x["outgoing"]}\s+{x["malformed"]}$"));
            }
        }

        Assert.That(table, Does.Match($@"(?m)^TOTAL\s+{sent.Values.Sum(s => s.Received)}\s+{expectedPackets}\s+{sent.Values.Sum(s => s.Bytes)}\s+{sent.Values.Sum(s => s.Incoming)}\s+{sent.Values.Sum(s => s.Outgoing)}\s+{expectedMalformed}$"));
        Assert.That(table, Does.Contain("malformed since start: ").And.Contain("truncated "));
        string rates = CtlProcess.Checked("--socket", socket, "stats", "--interval", "0.3", "--count", "2");
        Assert.That(rates.Split("rates over the last").Length - 1, Is.EqualTo(1), rates);
        Assert.That(rates, Does.Match(@"(?m)^TOTAL\s+0\s+0\s+0\.00\s+0\s+0\s+0$"), "no traffic now: zero rates");

        // Bad and daemon-only requests: an ERROR reply each, the connection and recv go on.
        using (RawClient c = RawClient.Handshaken(socket))
        {
            Assert.That(c.Exchange("this is not JSON"), Does.StartWith("{\"message\":\"malformed JSON: ").And.EndWith("\"status\":\"ERROR\"}"));
            foreach (string daemonOnly in new[] { "tasks", "collect_stats_summary", "reload_config" })
            {
                Assert.That(c.Exchange($"{{\"command\":\"{daemonOnly}\",\"wait\":true}}"), Is.EqualTo(
                    $"{{\"message\":\"\\\"{daemonOnly}\\\" is a request of the cpworker daemon; this is cpworker recv, which answers ping, info, recv_stats, set_log_level and shutdown\",\"status\":\"ERROR\"}}"));
            }

            Assert.That(c.Exchange("{\"command\":\"no_such_thing\"}"), Is.EqualTo("{\"message\":\"unknown command\",\"status\":\"ERROR\"}"));
            Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.StartWith("{\"status\":\"OK\",\"ts_ms\":"), "the connection stays usable");
        }

        (int reloadCode, _, string reloadError) = CtlProcess.Run("--socket", socket, "reload");
        Assert.That((reloadCode, reloadError), Is.EqualTo((1, "cpworker ctl: reload_config: \"reload_config\" is a request of the cpworker daemon; this is cpworker recv, which answers ping, info, recv_stats, set_log_level and shutdown\n")));
        Assert.That(CtlProcess.Run("--socket", socket, "tasks").Code, Is.EqualTo(1));
        Assert.That(CtlProcess.Checked("--socket", socket, "log-level", "debug").Trim(), Is.EqualTo("log level is now DEBUG"));

        // recv still runs and counts the same; its last words are the last reply, less the status.
        (JsonObject? last, string lastLine) = StatsJson(socket);
        Assert.That(last, Is.Not.Null.And.Property("Count").EqualTo(2), "receivers and status");
        Assert.That(Total(last!, "packets"), Is.EqualTo(expectedPackets));
        (int? code, JsonObject? final) = recv.Stop();
        Assert.That(code, Is.EqualTo(0), recv.Output);
        Assert.That(File.Exists(socket), Is.False, "the socket is removed at stop");
        string finalLine = recv.Output.Split('\n').Last(l => l.StartsWith("{\"receivers\"", StringComparison.Ordinal));
        Assert.That(lastLine, Does.EndWith(",\"status\":\"OK\"}"));
        Assert.That(finalLine, Is.EqualTo(lastLine[..^",\"status\":\"OK\"}".Length] + "}"), "ctl stats --json and the stop line agree byte for byte");
        Assert.That(Total(final!, "packets"), Is.EqualTo(expectedPackets));
    }

    [Test]
    public void A_second_recv_on_a_live_socket_is_refused_and_a_dead_ones_socket_is_replaced()
    {
        string socket = Path.Combine(Dir, "recv.sock");
        string args = $"recv --vxlan 127.0.0.1:0 -w {Path.Combine(Dir, "a.pcapng")} --stats-interval 0 --control-socket {socket}";
        using (var first = new RecvProcess(args))
        {
            first.WaitReady();
            using var second = new RecvProcess(args.Replace("a.pcapng", "b.pcapng", StringComparison.Ordinal));
            Assert.That(second.WaitForExit(20_000), Is.EqualTo(2), second.Output);
            Assert.That(second.Output, Does.Contain($"control socket {socket} is in use by process"));
            Assert.That(File.Exists(Path.Combine(Dir, "b.pcapng.part")), Is.False, "refused before it opened its output");
            Assert.That(CtlProcess.Checked("--socket", socket, "ping"), Does.StartWith("pong"), "the first one still answers");
            Run.Checked("kill", $"-KILL {FirstPid(socket)}");
            Assert.That(first.WaitForExit(10_000), Is.Not.Null);
        }

        Assert.That(File.Exists(socket), Is.True, "a killed recv leaves its socket file");
        using var third = new RecvProcess(args.Replace("a.pcapng", "c.pcapng", StringComparison.Ordinal));
        third.WaitReady();
        Assert.That(CtlProcess.Checked("--socket", socket, "shutdown").Trim(), Is.EqualTo("shutdown requested"));
        Assert.That(third.WaitForExit(10_000), Is.EqualTo(0), third.Output);
        Assert.That(third.Output, Does.Contain("{\"receivers\":["), "a ctl shutdown prints the counters as SIGTERM does");
    }

    [Test]
    [Category(TestCategories.Root)]
    public void The_daemons_line_limit_and_peer_check_guard_recvs_socket_too()
    {
        Assume.That(PeerCredentials.OwnUid, Is.Zero, "needs root to run a client as nobody");
        string socket = Path.Combine(Dir, "run", "recv.sock");
        using var recv = new RecvProcess($"recv --vxlan 127.0.0.1:0 -w {Path.Combine(Dir, "a.pcapng")} --stats-interval 0 --control-socket {socket}");
        recv.WaitReady();
        using (RawClient c = RawClient.Handshaken(socket))
        {
            c.Send("{\"command\":\"ping\",\"pad\":\"" + new string('x', ControlServer.MaxLineBytes) + "\"}\n");
            Assert.That(c.ReadLine(), Is.EqualTo($"{{\"message\":\"request longer than {ControlServer.MaxLineBytes} bytes\",\"status\":\"ERROR\"}}"));
            Assert.That(c.ClosedWithin(5_000), Is.True, "closed after an over-long line");
        }

        // 0600 stops other users at connect(); open the file and its directories so that SO_PEERCRED is what refuses.
        File.SetUnixFileMode(socket, (UnixFileMode)0x1B6); // 0666
        File.SetUnixFileMode(Path.GetDirectoryName(socket)!, (UnixFileMode)0x1ED); // 0755
        File.SetUnixFileMode(Dir, (UnixFileMode)0x1ED);
        string client = Path.Combine(Dir, "client.py");
        File.WriteAllText(client,
            "import socket\ns=socket.socket(socket.AF_UNIX)\ns.settimeout(5)\n" +
            $"s.connect('{socket}')\ns.sendall(b'{{\"version\":\"v1\"}}\\n{{\"command\":\"recv_stats\"}}\\n')\n" +
            "data=b''\nwhile True:\n    chunk=s.recv(4096)\n    if not chunk: break\n    data+=chunk\nprint(data.decode())\n");
        File.SetUnixFileMode(client, (UnixFileMode)0x1A4); // 0644
        (int code, string stdout, string stderr) = Run.Command("setpriv", $"--reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 {client}", 20_000);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("permission denied: uid 65534 may not use this control socket").And.Not.Contain("receivers"));
        Assert.That(CtlProcess.Checked("--socket", socket, "stats", "--json"), Does.StartWith("{\"receivers\":["), "root still gets in, and recv runs on");
    }

    private static int FirstPid(string socket)
    {
        string line = CtlProcess.Checked("--socket", socket, "info").Split('\n').First(l => l.StartsWith("pid", StringComparison.Ordinal));
        return int.Parse(line["pid".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes the datagrams and messages for the sender script (RecvMalformedInputTests.Script) and counts what each listener should see.</summary>
    private string WriteTraffic(Dictionary<string, Sent> sent)
    {
        var random = new Random(14);
        var lines = new StringBuilder();
        byte[] buffer = new byte[4096];
        void Good(string kind, ReadOnlySpan<byte> data, int frames, long bytes, PacketDirection[] directions)
        {
            Line(lines, kind == "gre" ? "gre4" : kind, data);
            Sent s = sent[kind];
            s.Received++;
            s.Packets += frames;
            s.Bytes += bytes;
            s.Incoming += directions.Count(d => d == PacketDirection.Incoming);
            s.Outgoing += directions.Count(d => d == PacketDirection.Outgoing);
        }

        void Bad(string kind, byte[] data)
        {
            Line(lines, kind == "gre" ? "gre4" : kind, data);
            sent[kind].Received++;
            sent[kind].Malformed++;
        }

        for (int i = 0; i < 30; i++)
        {
            byte[] frame = Frame(random, i);
            var dir = (PacketDirection)(i % 3);
            int n = VxlanFormat.Write(buffer, frame, VniKind.Vni1, 0x155, dir, captureTime: true, 1_700_000_000_000_000_000 + i);
            Good("vxlan", buffer.AsSpan(0, n), 1, frame.Length, [dir]);
            n = GreFormat.Write(buffer, frame, 0x0ABCDE, dir);
            Good("gre", buffer.AsSpan(0, n), 1, frame.Length, [dir]);
            if (i % 5 == 0)
            {
                Bad("vxlan", Garbage(random));
                Bad("gre", buffer[..3]);
            }
        }

        for (int b = 0; b < 6; b++)
        {
            // A batch of three records: one message, three frames.
            byte[][] frames = [Frame(random, b), Frame(random, b + 1), Frame(random, b + 2)];
            PacketDirection[] dirs = [(PacketDirection)(b % 3), (PacketDirection)((b + 1) % 3), (PacketDirection)((b + 2) % 3)];
            byte[] message = new byte[24 + frames.Sum(f => ZmqFormat.RecordLength(f))];
            ZmqFormat.WriteBatchHeader(message, frames.Length, 0x155, new byte[16]);
            int at = 24;
            for (int r = 0; r < frames.Length; r++)
            {
                at += ZmqFormat.WriteRecord(message.AsSpan(at), frames[r], frames[r].Length, 1_700_000_000_000_000_000, dirs[r], 0x155);
            }

            Good("zmq", message, frames.Length, frames.Sum(f => (long)f.Length), dirs);
            if (b % 2 == 0)
            {
                Bad("zmq", message[..20]);
            }
        }

        string path = Path.Combine(Dir, "traffic.txt");
        File.WriteAllText(path, lines.ToString());
        return path;
    }

    /// <summary>An IPv4 frame (so that ZMQ can restore its EtherType) of random size and content.</summary>
    private static byte[] Frame(Random random, int i)
    {
        byte[] frame = new byte[random.Next(60, 600) + i];
        random.NextBytes(frame);
        frame[12] = 0x08;
        frame[13] = 0x00;
        frame[14] = 0x45;
        return frame;
    }

    private static byte[] Garbage(Random random)
    {
        byte[] b = new byte[1 + random.Next(100)];
        random.NextBytes(b);
        b[0] = 0xFF; // never a valid first byte of any of the three formats
        return b;
    }

    private static void Line(StringBuilder lines, string kind, ReadOnlySpan<byte> data) =>
        lines.Append(kind).Append(' ').Append(Convert.ToHexStringLower(data)).Append('\n');

    private static (JsonObject? Stats, string Line) StatsJson(string socket)
    {
        (int code, string stdout, _) = CtlProcess.Run("--socket", socket, "stats", "--json");
        string line = stdout.Trim();
        return code == 0 ? ((JsonObject?)JsonNode.Parse(line), line) : (null, line);
    }

    private static JsonObject Listener(JsonObject stats, string kind) =>
        stats["receivers"]!.AsArray().Single(r => ((string)r!["listener"]!).StartsWith(kind, StringComparison.Ordinal))!.AsObject();

    private static long Total(JsonObject stats, string key) =>
        stats["receivers"]!.AsArray().SelectMany(r => r!["senders"]!.AsArray()).Sum(s => s![key]!.GetValue<long>());

    private static long MalformedTotal(JsonObject stats) =>
        stats["receivers"]!.AsArray().Sum(r => r!["malformed"]!["total"]!.GetValue<long>());
}
