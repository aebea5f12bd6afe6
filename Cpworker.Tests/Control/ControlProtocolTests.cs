using System.Text.Json.Nodes;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Control;
using Cpworker.Tests.Engine;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Control;

/// <summary>The control protocol as docs/operations.md, "The protocol" defines it: handshake, every command's reply fields, errors.</summary>
[CancelAfter(60_000)]
public class ControlProtocolTests
{
    private static readonly string[] s_captureKeys = ["cap_bytes", "cap_packets", "drop_packets", "ifdrop_packets"];

    private static readonly string[] s_outputKeys =
    [
        "direction_drop_bytes", "direction_drop_packets", "error_drop_bytes", "error_drop_packets", "fwd_bytes", "fwd_packets",
        "heartbeat_packets", "ratelimit_drop_bytes", "ratelimit_drop_packets",
    ];

    private static CpworkerConfig Idle(ExecutionModel model = ExecutionModel.Rtc) => new()
    {
        ExecutionModel = model,
        PipelineBufferSizeMb = 4,
        Tasks = [ControlFixture.Task("idle", () => new FakeSource([], lossless: false), new RecordingSink())],
    };

    private static JsonObject Parse(string line) => (JsonObject)JsonNode.Parse(line)!;

    private static string[] Keys(JsonNode? node) => ((JsonObject)node!).Select(p => p.Key).ToArray();

    /// <summary>Keys sorted bytewise at every level, as the C implementation's JSON library writes them.</summary>
    private static void AssertSorted(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            string[] keys = Keys(o);
            Assert.That(keys, Is.EqualTo(keys.Order(StringComparer.Ordinal).ToArray()), "keys in byte order");
            foreach (KeyValuePair<string, JsonNode?> p in o)
            {
                AssertSorted(p.Value);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (JsonNode? item in a)
            {
                AssertSorted(item);
            }
        }
    }

    [Test]
    public async Task Handshake_then_ping_info_and_unknown_command_answer_exactly()
    {
        await using ControlFixture f = ControlFixture.Start(Idle());
        using RawClient c = RawClient.Connect(f.SocketPath);
        Assert.That(c.Exchange("{\"version\":\"v1\"}"), Is.EqualTo("{\"status\":\"OK\"}"), "handshake reply, byte for byte");

        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        JsonObject ping = Parse(c.Exchange("{\"command\":\"ping\"}"));
        Assert.That(Keys(ping), Is.EqualTo(new[] { "status", "ts_ms" }));
        Assert.That((string?)ping["status"], Is.EqualTo("OK"));
        Assert.That(ping["ts_ms"]!.GetValue<long>(), Is.InRange(before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000));

        string infoLine = c.Exchange("{\"command\":\"info\"}");
        JsonObject info = Parse(infoLine);
        Assert.That(Keys(info), Is.EqualTo(new[] { "config_path", "log_destination", "pid", "started_at_sec", "status", "uptime_sec", "version", "working_dir" }));
        Assert.That(info["pid"]!.GetValue<int>(), Is.EqualTo(Environment.ProcessId));
        Assert.That((string?)info["log_destination"], Is.EqualTo("stderr"));
        Assert.That((string?)info["config_path"], Is.EqualTo(Path.Combine(f.Directory, "cpworker.json")));
        Assert.That((string?)info["working_dir"], Is.EqualTo(Environment.CurrentDirectory));
        Assert.That(info["uptime_sec"]!.GetValue<long>(), Is.InRange(0, 60));
        Assert.That(info["started_at_sec"]!.GetValue<long>(), Is.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.That(infoLine, Does.Not.Contain(" "), "compact JSON");

        Assert.That(c.Exchange("{\"command\":\"no_such_thing\"}"), Is.EqualTo("{\"message\":\"unknown command\",\"status\":\"ERROR\"}"));
        Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.StartWith("{\"status\":\"OK\""), "the connection stays usable after an error");
    }

    [Test]
    public async Task The_daemon_does_not_answer_recvs_requests_and_its_info_is_unchanged()
    {
        // ControlServer serves recv too (docs/recv.md, "Counters and metrics"); the daemon's side must not have moved.
        await using ControlFixture f = ControlFixture.Start(Idle());
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        Assert.That(c.Exchange("{\"command\":\"recv_stats\"}"), Is.EqualTo("{\"message\":\"unknown command\",\"status\":\"ERROR\"}"));
        Assert.That(Keys(Parse(c.Exchange("{\"command\":\"info\"}"))), Does.Not.Contain("program"), "ctl tells recv from the daemon by info.program");
        Assert.That(c.Exchange("[1]"), Is.EqualTo("{\"message\":\"a request is a JSON object: {\\\"command\\\":\\\"…\\\"}\",\"status\":\"ERROR\"}"));
        Assert.That(c.Exchange("{\"command\":7}"), Is.EqualTo("{\"message\":\"missing \\\"command\\\"\",\"status\":\"ERROR\"}"));
    }

    [Test]
    public async Task Invalid_utf8_inside_a_string_is_malformed_json_and_the_connection_stays_open()
    {
        // Found by fuzzing (control target): the reply was never sent, the connection dropped with an ERROR log.
        await using ControlFixture f = ControlFixture.Start(Idle());
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        c.Send([.. "{\"command\":\"p"u8, 0xB1, .. "ng\"}\n"u8]);
        Assert.That(c.ReadLine(), Is.EqualTo("{\"message\":\"malformed JSON: the request is not valid UTF-8\",\"status\":\"ERROR\"}"));
        Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.StartWith("{\"status\":\"OK\""), "the connection stays usable");

        using RawClient h = RawClient.Connect(f.SocketPath);
        h.Send([.. "{\"version\":\"v"u8, 0xB1, .. "\"}\n"u8]);
        Assert.That(h.ReadLine(), Does.Contain("not valid UTF-8"));
        Assert.That(h.ClosedWithin(5000), Is.True, "a malformed handshake closes");
    }

    [Test]
    public async Task A_request_before_the_handshake_is_refused_and_the_connection_closed()
    {
        await using ControlFixture f = ControlFixture.Start(Idle());
        using (RawClient c = RawClient.Connect(f.SocketPath))
        {
            JsonObject reply = Parse(c.Exchange("{\"command\":\"ping\"}"));
            Assert.That(Keys(reply), Is.EqualTo(new[] { "message", "status" }));
            Assert.That((string?)reply["status"], Is.EqualTo("ERROR"));
            Assert.That((string?)reply["message"], Does.Contain("handshake required"));
            Assert.That(c.ClosedWithin(5000), Is.True);
        }

        using (RawClient c = RawClient.Connect(f.SocketPath))
        {
            Assert.That(c.Exchange("{\"version\":\"v2\"}"), Does.Contain("unsupported protocol version").And.Contain("\"status\":\"ERROR\""));
            Assert.That(c.ClosedWithin(5000), Is.True);
        }

        using (RawClient c = RawClient.Connect(f.SocketPath))
        {
            Assert.That(c.Exchange("{not json"), Does.Contain("malformed JSON").And.Contain("\"status\":\"ERROR\""));
            Assert.That(c.ClosedWithin(5000), Is.True, "a malformed handshake closes");
        }
    }

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task Stats_summary_has_the_C_shape_and_counts_exactly_the_replayed_packets(ExecutionModel model)
    {
        List<(byte[] Frame, long TimestampNanos)> a = SchedulerHarness.Frames(3000, seed: 1);
        List<(byte[] Frame, long TimestampNanos)> b = SchedulerHarness.Frames(1700, seed: 2);
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks =
            [
                ControlFixture.Task("a", () => new FakeSource(a), new RecordingSink(), replay: true),
                ControlFixture.Task("b", () => new FakeSource(b), new RecordingSink(), replay: true),
            ],
        };
        await using ControlFixture f = ControlFixture.Start(config);
        Assert.That(f.Engine.ReplaysFinished.Wait(20_000), Is.True);
        long expectedPackets = a.Count + b.Count;
        long expectedBytes = a.Sum(x => (long)x.Frame.Length) + b.Sum(x => (long)x.Frame.Length);
        List<(byte[] Frame, long TimestampNanos)> handed = a.Concat(b).Where(x => x.Frame.Length >= 14).ToList();
        using RawClient c = RawClient.Handshaken(f.SocketPath);

        // The last batch may still be with the output when the replay ends: wait for the counters, not for time.
        JsonObject s = Parse(c.Exchange("{\"command\":\"collect_stats_summary\"}"));
        Assert.That(Run.Until(() => (s = Parse(c.Exchange("{\"command\":\"collect_stats_summary\"}")))["output"]!["fwd_packets"]!["packets"]!.GetValue<long>() == handed.Count, 10_000), Is.True);

        AssertSorted(s);
        Assert.That(Keys(s), Is.EqualTo(new[] { "capture", "output", "pipeline_buffer", "status", "time", "wall_time" }));
        Assert.That(Keys(s["capture"]), Is.EqualTo(s_captureKeys));
        Assert.That(Keys(s["output"]), Is.EqualTo(s_outputKeys));
        Assert.That(Keys(s["pipeline_buffer"]), Is.EqualTo(new[] { "mem_total", "mem_used", "ring_total", "ring_used" }));
        Assert.That(Keys(s["time"]), Is.EqualTo(new[] { "nsec", "sec" }));
        Assert.That(Keys(s["wall_time"]), Is.EqualTo(new[] { "nsec", "sec" }));
        foreach (string k in s_captureKeys.Concat(s_outputKeys))
        {
            JsonNode counter = (s["capture"]![k] ?? s["output"]![k])!;
            Assert.That(Keys(counter), Is.EqualTo(k.EndsWith("_bytes", StringComparison.Ordinal) ? new[] { "bytes", "eib" } : new[] { "packets", "peta" }), k);
        }

        Assert.That(s["capture"]!["cap_packets"]!["packets"]!.GetValue<long>(), Is.EqualTo(expectedPackets));
        Assert.That(s["capture"]!["cap_bytes"]!["bytes"]!.GetValue<long>(), Is.EqualTo(expectedBytes));
        Assert.That(s["capture"]!["cap_bytes"]!["eib"]!.GetValue<long>(), Is.Zero);
        Assert.That(s["output"]!["fwd_bytes"]!["bytes"]!.GetValue<long>(), Is.EqualTo(handed.Sum(x => (long)x.Frame.Length)));
        Assert.That(s["output"]!["error_drop_packets"]!["packets"]!.GetValue<long>(), Is.Zero);
        Assert.That(s["wall_time"]!["sec"]!.GetValue<long>(), Is.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1));
        Assert.That(s["time"]!["nsec"]!.GetValue<long>(), Is.InRange(0, 999_999_999));

        // Monotonic time moves forward between two requests.
        JsonObject s2 = Parse(c.Exchange("{\"command\":\"collect_stats_summary\"}"));
        double t1 = s["time"]!["sec"]!.GetValue<long>() + s["time"]!["nsec"]!.GetValue<long>() / 1e9;
        double t2 = s2["time"]!["sec"]!.GetValue<long>() + s2["time"]!["nsec"]!.GetValue<long>() / 1e9;
        Assert.That(t2, Is.GreaterThan(t1));

        // tasks: per task and per output, and the outcomes add up to what was handed to each output.
        JsonObject tasks = Parse(c.Exchange("{\"command\":\"tasks\"}"));
        AssertSorted(tasks);
        Assert.That(Keys(tasks), Is.EqualTo(new[] { "status", "tasks" }));
        var list = (JsonArray)tasks["tasks"]!;
        Assert.That(list.Select(t => (string?)t!["name"]), Is.EqualTo(new[] { "a", "b" }));
        foreach ((JsonNode? t, List<(byte[] Frame, long TimestampNanos)> frames) in list.Zip(new[] { a, b }))
        {
            Assert.That(Keys(t), Is.EqualTo(new[] { "capture", "fingerprint", "name", "outputs", "pipeline_buffer", "state" }));
            Assert.That((string?)t!["state"], Is.EqualTo("running"));
            Assert.That(Keys(t["capture"]), Is.EqualTo(s_captureKeys));
            Assert.That(t["capture"]!["cap_packets"]!.GetValue<long>(), Is.EqualTo(frames.Count));
            JsonNode o = ((JsonArray)t["outputs"]!)[0]!;
            Assert.That(Keys(o), Is.EqualTo(s_outputKeys.Concat(new[] { "name", "type", "ring_datagrams", "socket_datagrams" }).Order(StringComparer.Ordinal).ToArray()));
            Assert.That((o["ring_datagrams"]!.GetValue<long>(), o["socket_datagrams"]!.GetValue<long>()), Is.EqualTo((0L, 0L)), "no datagram output here");
            long outcomes = o["fwd_packets"]!.GetValue<long>() + o["direction_drop_packets"]!.GetValue<long>()
                + o["ratelimit_drop_packets"]!.GetValue<long>() + o["error_drop_packets"]!.GetValue<long>();
            Assert.That(outcomes, Is.EqualTo(frames.Count(x => x.Frame.Length >= 14)), "forwarded + direction + rate limit + error = handed");
            Assert.That((string?)o["name"], Is.EqualTo("recording-0"));
        }
    }

    [Test]
    public async Task Pipeline_buffer_reports_the_batch_pool_and_ring_of_running_pipeline_tasks()
    {
        await using ControlFixture f = ControlFixture.Start(Idle(ExecutionModel.Pipeline));
        Assert.That(Run.Until(() => f.Engine.GetStatus()[0].State == TaskState.Running, 10_000), Is.True);
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        JsonNode b = Parse(c.Exchange("{\"command\":\"collect_stats_summary\"}"))["pipeline_buffer"]!;
        long memTotal = b["mem_total"]!.GetValue<long>();
        Assert.That(memTotal, Is.InRange(2 * 256 * 1024, 4L * 1024 * 1024), "about pipeline.buffer_size_mb, in whole batches");
        Assert.That(b["mem_used"]!.GetValue<long>(), Is.InRange(0, memTotal));
        Assert.That(b["ring_total"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(2));
        Assert.That(b["ring_used"]!.GetValue<long>(), Is.Zero, "an idle task queues nothing");
    }

    [Test]
    public async Task Tasks_shows_a_failed_task_with_its_error()
    {
        var config = new CpworkerConfig
        {
            Tasks = [ControlFixture.Task("broken", () => new FakeSource([], lossless: false) { FailOpen = "interface eth9 is gone" }, new RecordingSink())],
        };
        await using ControlFixture f = ControlFixture.Start(config);
        Assert.That(f.Engine.Ready.Wait(10_000), Is.True);
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        JsonObject t = (JsonObject)((JsonArray)Parse(c.Exchange("{\"command\":\"tasks\"}"))["tasks"]!)[0]!;
        Assert.That((string?)t["state"], Is.EqualTo("failed"));
        Assert.That((string?)t["error"], Is.EqualTo("interface eth9 is gone"));
    }

    [Test]
    public async Task Set_log_level_reload_and_shutdown_answer_and_act()
    {
        await using ControlFixture f = ControlFixture.Start(Idle());
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        Assert.That(c.Exchange("{\"command\":\"set_log_level\",\"level\":\"debug\"}"), Is.EqualTo("{\"level\":\"DEBUG\",\"status\":\"OK\"}"));
        Assert.That(f.Level.Level, Is.EqualTo(LogLevel.Debug));
        Assert.That(c.Exchange("{\"command\":\"set_log_level\",\"level\":\"loud\"}"), Does.Contain("invalid level \\\"loud\\\"").And.Contain("\"status\":\"ERROR\""));
        Assert.That(c.Exchange("{\"command\":\"set_log_level\"}"), Does.Contain("\"status\":\"ERROR\""));
        Assert.That(f.Level.Level, Is.EqualTo(LogLevel.Debug), "a bad level changes nothing");

        Assert.That(c.Exchange("{\"command\":\"reload_config\"}"), Is.EqualTo("{\"status\":\"OK\"}"));
        Assert.That(Run.Until(() => f.Reloads == 1, 5000), Is.True);
        Assert.That(c.Exchange("{\"command\":\"shutdown\"}"), Is.EqualTo("{\"status\":\"OK\"}"));
        Assert.That(Run.Until(() => f.Shutdowns == 1, 5000), Is.True);
        Assert.That(c.Exchange("{\"command\":42}"), Is.EqualTo("{\"message\":\"missing \\\"command\\\"\",\"status\":\"ERROR\"}"));
        Assert.That(c.Exchange("[1,2]"), Does.Contain("\"status\":\"ERROR\""));
    }

    [Test]
    public void Counters_over_the_range_of_n_carry_into_eib_and_peta()
    {
        UInt128 bytes = ((UInt128)3 << 60) + 12345;
        Assert.That(ControlJson.Bytes(bytes).ToJsonString(), Is.EqualTo("{\"bytes\":12345,\"eib\":3}"));
        UInt128 packets = (UInt128)7 * 10_000_000_000_000_000UL + 99;
        Assert.That(ControlJson.Packets(packets).ToJsonString(), Is.EqualTo("{\"packets\":99,\"peta\":7}"));
        Assert.That(ControlJson.Bytes(ControlJson.Total(long.MaxValue)).ToJsonString(), Is.EqualTo("{\"bytes\":1152921504606846975,\"eib\":7}"));
        Assert.That(Encoding(ControlJson.Serialize(ControlJson.Ok(new JsonObject { ["z"] = 1, ["a"] = new JsonObject { ["y"] = 2, ["b"] = 3 } }))),
            Is.EqualTo("{\"a\":{\"b\":3,\"y\":2},\"status\":\"OK\",\"z\":1}\n"));
    }

    private static string Encoding(byte[] bytes) => System.Text.Encoding.UTF8.GetString(bytes);
}
