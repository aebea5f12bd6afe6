using System.Text.Json.Nodes;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary><c>cpworker ctl</c> against a running daemon: human output, raw JSON, exit codes.</summary>
[CancelAfter(120_000)]
public class CtlTests
{
    private static (int Code, string Stdout, string Stderr) Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cpworker.Host.Cli.CommandLine.Run(["ctl", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public async Task Every_subcommand_against_a_running_daemon()
    {
        await using DaemonFixture f = await DaemonFixture.StartAsync(dir => DaemonFixture.Config(dir, "INFO", ("web", 0), ("dns", 0)), frames: 500);
        Assert.That(Run.Until(() => f.Host.Engine!.GetStatus().All(s => s.Outputs[0].Counters.ForwardedPackets == 500), 20_000), Is.True);
        string s = f.SocketPath;

        var ping = Ctl("--socket", s, "ping");
        Assert.That((ping.Code, ping.Stderr), Is.EqualTo((0, "")));
        Assert.That(ping.Stdout, Does.StartWith("pong: ts_ms "));

        var info = Ctl("info", "--socket", s);
        Assert.That(info.Code, Is.Zero, info.Stderr);
        Assert.That(info.Stdout, Does.Contain($"pid              {Environment.ProcessId}").And.Contain($"config           {f.ConfigPath}").And.Contain("log destination  stderr"));

        var tasks = Ctl("-s", s, "tasks");
        Assert.That(tasks.Code, Is.Zero, tasks.Stderr);
        string[] taskLines = tasks.Stdout.TrimEnd().Split('\n');
        Assert.That(taskLines[0], Does.StartWith("NAME").And.Contain("STATE").And.Contain("CAPTURED"));
        Assert.That(taskLines[1], Does.Match(@"^web\s+running\s+-\s+500\s+1$"));
        Assert.That(taskLines[2], Does.Match(@"^dns\s+running\s+-\s+500\s+1$"));

        var stats = Ctl("--socket", s, "stats");
        Assert.That(stats.Code, Is.Zero, stats.Stderr);
        TestContext.Out.WriteLine(stats.Stdout);
        long bytes = f.Frames.Sum(x => (long)x.Frame.Length);
        Assert.That(stats.Stdout, Does.Contain("totals since start"));
        Assert.That(stats.Stdout, Does.Match($@"(?m)^web\s+running\s+500\s+{bytes}\s+0\s+0$"));
        Assert.That(stats.Stdout, Does.Match($@"(?m)^  recording-0\s+recording\s+500\s+{bytes}\s+0\s+0\s+0$"));
        Assert.That(stats.Stdout, Does.Match($@"(?m)^TOTAL captured\s+1000\s+{2 * bytes}\s+0\s+0$"));
        Assert.That(stats.Stdout, Does.Match($@"(?m)^TOTAL forwarded\s+1000\s+{2 * bytes}\s+0\s+0\s+0$"));

        var json = Ctl("--socket", s, "stats", "--json");
        Assert.That(json.Code, Is.Zero, json.Stderr);
        var raw = (JsonObject)JsonNode.Parse(json.Stdout)!;
        Assert.That(raw["output"]!["fwd_packets"]!.ToJsonString(), Is.EqualTo("{\"packets\":1000,\"peta\":0}"));
        var tasksJson = (JsonObject)JsonNode.Parse(Ctl("--socket", s, "tasks", "--json").Stdout)!;
        Assert.That(((JsonArray)tasksJson["tasks"]!).Count, Is.EqualTo(2));

        var repeat = Ctl("--socket", s, "stats", "--interval", "0.3", "--count", "3");
        Assert.That(repeat.Code, Is.Zero, repeat.Stderr);
        Assert.That(repeat.Stdout.Split("--- ").Length - 1, Is.EqualTo(3), "three screens");
        Assert.That(repeat.Stdout.Split("rates over the last").Length - 1, Is.EqualTo(2), "screens after the first show rates");
        Assert.That(repeat.Stdout, Does.Contain("PKT/S").And.Contain("MBIT/S"));
        Assert.That(repeat.Stdout, Does.Match(@"(?m)^web\s+running\s+0\s+0\.00\s+0\s+0$"), "a finished stream shows zero rates");

        var level = Ctl("--socket", s, "log-level", "warn");
        Assert.That((level.Code, level.Stdout.Trim()), Is.EqualTo((0, "log level is now WARN")));
        var badLevel = Ctl("--socket", s, "log-level", "chatty");
        Assert.That(badLevel.Code, Is.EqualTo(1));
        Assert.That(badLevel.Stderr, Does.Contain("invalid level \"chatty\""));

        Assert.That(Ctl("--socket", s, "log-level", "INFO").Code, Is.Zero);

        // The socket from the config file.
        var viaConfig = Ctl("-c", f.ConfigPath, "ping");
        Assert.That(viaConfig.Code, Is.Zero, viaConfig.Stderr);

        var shutdown = Ctl("--socket", s, "shutdown");
        Assert.That(shutdown.Code, Is.Zero, shutdown.Stderr);
        Assert.That(f.Run.Wait(10_000), Is.True, "the daemon stopped");
        Assert.That(f.Run.Result, Is.Zero);
        Assert.That(File.Exists(s), Is.False, "socket removed at stop");
        Assert.That(f.Log.Contains("shutdown requested: stopping"), Is.True);
    }

    [Test]
    public void Failures_exit_1_with_the_reason_on_stderr()
    {
        string dir = ControlFixture.NewDirectory();
        try
        {
            var missing = Ctl("--socket", Path.Combine(dir, "nothing.sock"), "ping");
            Assert.That(missing.Code, Is.EqualTo(1));
            Assert.That(missing.Stderr, Does.StartWith("cpworker ctl: cannot connect to").And.Contain("no such socket"));
            Assert.That(missing.Stdout, Is.Empty);

            // A socket file nobody listens on.
            string stale = Path.Combine(dir, "stale.sock");
            Run.Checked("/usr/bin/python3", $"-c \"import socket; socket.socket(socket.AF_UNIX).bind('{stale}')\"");
            var refused = Ctl("--socket", stale, "stats");
            Assert.That(refused.Code, Is.EqualTo(1));
            Assert.That(refused.Stderr, Does.Contain("connection refused"));

            string noControl = Path.Combine(dir, "plain.json");
            File.WriteAllText(noControl, "{\"tasks\":[]}");
            var config = Ctl("-c", noControl, "ping");
            Assert.That(config.Code, Is.EqualTo(1));
            Assert.That(config.Stderr, Does.Contain("has no control.unix.path"));

            var usage = Ctl("frobnicate");
            Assert.That(usage.Code, Is.EqualTo(2), "bad arguments");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
