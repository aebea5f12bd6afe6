using System.Text.Json.Nodes;
using Cpworker.Engine.Runtime;
using Cpworker.Host.Cli;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// Rough edges of <c>cpworker ctl</c> found in use (issue 10): <c>reload</c> reports the reload's
/// outcome, <c>-c FILE</c> finds the socket in a file with a later syntax error, and <c>stats</c>
/// keeps its columns aligned with long type names.
/// </summary>
[CancelAfter(120_000)]
public class CtlOperatorTests
{
    private static (int Code, string Stdout, string Stderr) Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cpworker.Host.Cli.CommandLine.Run(["ctl", .. args], stdout, stderr);
        TestContext.Out.WriteLine($"ctl {string.Join(' ', args)} -> {code}\n{stdout}{stderr}");
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public async Task Reload_exits_1_with_the_errors_when_the_reload_fails_and_0_with_the_summary_when_it_succeeds()
    {
        await using DaemonFixture f = await DaemonFixture.StartAsync(dir => DaemonFixture.Config(dir, "INFO", ("a", 0)));
        Assert.That(Run.Until(() => f.Host.Engine!.GetStatus().All(s => s.State == TaskState.Running), 10_000), Is.True);
        string good = File.ReadAllText(f.ConfigPath);

        File.WriteAllText(f.ConfigPath, DaemonFixture.Config(f.Directory, "INFO", ("a", -5)));
        var failed = Ctl("--socket", f.SocketPath, "reload");
        Assert.That(failed.Code, Is.EqualTo(1));
        Assert.That(failed.Stderr, Does.Contain("reload failed:").And.Contain("the running configuration is unchanged").And.Contain("tasks[0].outputs[0].slice"));

        File.WriteAllText(f.ConfigPath, good.Replace("\"slice\":0", "\"slice\":64", StringComparison.Ordinal));
        var applied = Ctl("--socket", f.SocketPath, "reload");
        Assert.That(applied.Code, Is.Zero, applied.Stderr);
        Assert.That(applied.Stdout, Does.StartWith("reload complete: 0 unchanged, 1 rebuilt (a), 0 removed, 0 added"));

        // The raw reply: the optional "reload" object (docs/operations.md).
        var raw = Ctl("--socket", f.SocketPath, "reload", "--json");
        var reply = (JsonObject)JsonNode.Parse(raw.Stdout)!;
        Assert.That((string?)reply["status"], Is.EqualTo("OK"));
        Assert.That((bool?)reply["reload"]!["applied"], Is.True);
    }

    [Test]
    public async Task A_plain_reload_config_request_is_still_answered_at_once_as_by_the_C_daemon()
    {
        await using DaemonFixture f = await DaemonFixture.StartAsync(dir => DaemonFixture.Config(dir, "INFO", ("a", 0)));
        File.WriteAllText(f.ConfigPath, "{ broken");
        using var client = await Cpworker.Host.Control.ControlClient.ConnectAsync(f.SocketPath, TimeSpan.FromSeconds(5));
        JsonObject reply = await client.CommandAsync("reload_config");
        Assert.That(reply.ToJsonString(), Is.EqualTo("{\"status\":\"OK\"}"));
        Assert.That(Run.Until(() => f.Log.Contains("reload failed:"), 10_000), Is.True);
    }

    [Test]
    public async Task Ctl_with_a_config_that_has_a_syntax_error_after_the_socket_still_reaches_the_daemon()
    {
        await using DaemonFixture f = await DaemonFixture.StartAsync(dir => DaemonFixture.Config(dir, "INFO", ("a", 0)));
        string text = File.ReadAllText(f.ConfigPath);
        File.WriteAllText(f.ConfigPath, text[..^3] + ",, oops");
        var ping = Ctl("-c", f.ConfigPath, "ping");
        Assert.That(ping.Code, Is.Zero, ping.Stderr);

        // An error before the socket path: the socket cannot be known; say what to do.
        File.WriteAllText(f.ConfigPath, "{ \"log_level\": , " + text[1..]);
        var lost = Ctl("-c", f.ConfigPath, "ping");
        Assert.That(lost.Code, Is.EqualTo(1));
        Assert.That(lost.Stderr, Does.Contain("invalid JSON at line 1").And.Contain("--socket PATH"));
    }

    [Test]
    public void Stats_show_which_send_path_carried_the_datagrams_of_a_ring_output_only()
    {
        JsonObject Output(string name, long ring, long socket) => new()
        {
            ["name"] = name, ["type"] = "vxlan", ["fwd_packets"] = ring + socket, ["fwd_bytes"] = 100,
            ["direction_drop_packets"] = 0, ["ratelimit_drop_packets"] = 0, ["error_drop_packets"] = 0,
            ["ring_datagrams"] = ring, ["socket_datagrams"] = socket,
        };
        var tasks = new JsonObject
        {
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["name"] = "t",
                ["state"] = "running",
                ["capture"] = new JsonObject { ["cap_packets"] = 5, ["cap_bytes"] = 500, ["drop_packets"] = 0, ["ifdrop_packets"] = 0 },
                ["outputs"] = new JsonArray(Output("vxlan-0", 4321, 12), Output("vxlan-1", 0, 7)),
            }),
        };
        var summary = new JsonObject
        {
            ["capture"] = new JsonObject { ["cap_packets"] = 5, ["cap_bytes"] = 500, ["drop_packets"] = 0, ["ifdrop_packets"] = 0 },
            ["output"] = new JsonObject { ["fwd_packets"] = 10, ["fwd_bytes"] = 1000, ["direction_drop_packets"] = 0, ["ratelimit_drop_packets"] = 0, ["error_drop_packets"] = 0 },
        };
        string table = StatsTable.Format((JsonObject)JsonNode.Parse(tasks.ToJsonString())!, (JsonObject)JsonNode.Parse(summary.ToJsonString())!, null, 0);
        string[] pathLines = table.Split('\n').Where(l => l.Contains("send path", StringComparison.Ordinal)).ToArray();
        Assert.That(pathLines, Has.Length.EqualTo(1), table);
        Assert.That(pathLines[0], Does.Contain("ring 4321").And.Contain("socket 12"), table);
    }

    [Test]
    public void Stats_columns_stay_aligned_with_long_type_and_output_names()
    {
        JsonObject Output(string name, string type, long fwd) => new()
        {
            ["name"] = name, ["type"] = type, ["fwd_packets"] = fwd, ["fwd_bytes"] = fwd * 100,
            ["direction_drop_packets"] = 0, ["ratelimit_drop_packets"] = 0, ["error_drop_packets"] = 123456789012,
        };
        var tasks = new JsonObject
        {
            ["tasks"] = new JsonArray(new JsonObject
            {
                ["name"] = "a-task-with-a-rather-long-name",
                ["state"] = "running",
                ["capture"] = new JsonObject { ["cap_packets"] = 5, ["cap_bytes"] = 500, ["drop_packets"] = 0, ["ifdrop_packets"] = 0 },
                ["outputs"] = new JsonArray(Output("rotating_file-0", "rotating_file", 5), Output("null-1", "null", 5)),
            }),
        };
        var summary = new JsonObject
        {
            ["capture"] = new JsonObject { ["cap_packets"] = 5, ["cap_bytes"] = 500, ["drop_packets"] = 0, ["ifdrop_packets"] = 0 },
            ["output"] = new JsonObject { ["fwd_packets"] = 10, ["fwd_bytes"] = 1000, ["direction_drop_packets"] = 0, ["ratelimit_drop_packets"] = 0, ["error_drop_packets"] = 246913578024 },
        };
        // As parsed from the daemon's reply (numbers read as JSON numbers).
        string table = StatsTable.Format((JsonObject)JsonNode.Parse(tasks.ToJsonString())!, (JsonObject)JsonNode.Parse(summary.ToJsonString())!, null, 0);
        TestContext.Out.WriteLine(table);
        string[] rows = table.TrimEnd().Split('\n').Skip(1).ToArray();

        // Every number column ends where its header ends: right edges line up.
        string header = rows[0];
        int[] edges = System.Text.RegularExpressions.Regex.Matches(header, @"\S+").Skip(2).Select(m => m.Index + m.Length).ToArray();
        foreach (string row in rows.Skip(1))
        {
            var cells = System.Text.RegularExpressions.Regex.Matches(row, @"\S+").ToList();
            int numbers = cells.Count(c => c.Value.All(char.IsAsciiDigit));
            foreach (var cell in cells.Where(c => c.Value.All(char.IsAsciiDigit)))
            {
                Assert.That(edges, Does.Contain(cell.Index + cell.Length), $"'{cell.Value}' in:\n{table}");
            }

            Assert.That(numbers, Is.GreaterThan(0));
        }

        // And the type column starts at the same place in task and output rows.
        int state = rows[1].IndexOf("running", StringComparison.Ordinal);
        Assert.That(rows[2].IndexOf("rotating_file ", StringComparison.Ordinal), Is.EqualTo(state), table);
        Assert.That(rows[3].IndexOf(" null ", StringComparison.Ordinal) + 1, Is.EqualTo(state), table);
    }
}
