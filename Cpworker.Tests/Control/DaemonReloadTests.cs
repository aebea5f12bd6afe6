using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Control;

/// <summary>Reload through the daemon (docs/operations.md, "Reload"): the file is re-read and checked; a broken one changes nothing.</summary>
[CancelAfter(120_000)]
public class DaemonReloadTests
{
    private static int Ctl(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cpworker.Host.Cli.CommandLine.Run(["ctl", .. args], stdout, stderr);
        TestContext.Out.WriteLine($"ctl {string.Join(' ', args)} -> {code}\n{stdout}{stderr}");
        return code;
    }

    [Test]
    public async Task A_broken_config_changes_nothing_and_a_changed_task_is_rebuilt_while_the_other_runs_on()
    {
        await using DaemonFixture f = await DaemonFixture.StartAsync(dir => DaemonFixture.Config(dir, "INFO", ("a", 0), ("b", 0)), frames: 3000);
        Assert.That(Run.Until(() => f.Host.Engine!.GetStatus().All(s => s.State == TaskState.Running), 10_000), Is.True);

        // Broken: a syntax error, then a semantic one. Each logs "reload failed: …" and nothing changes.
        File.WriteAllText(f.ConfigPath, "{\"tasks\": [");
        Assert.That(Ctl("--socket", f.SocketPath, "reload"), Is.EqualTo(1), "ctl reports the failed reload");
        Assert.That(Run.Until(() => f.Log.Count("reload failed:") >= 2, 10_000), Is.True, f.Log.Text);
        File.WriteAllText(f.ConfigPath, DaemonFixture.Config(f.Directory, "INFO", ("a", 0), ("b", -5)));
        Assert.That(Ctl("--socket", f.SocketPath, "reload"), Is.EqualTo(1));
        Assert.That(Run.Until(() => f.Log.Contains("tasks[1].outputs[0].slice"), 10_000), Is.True, f.Log.Text);
        Assert.That(f.Log.Contains("reload complete"), Is.False);
        Assert.That(f.Host.Engine!.GetStatus().Select(s => s.State), Is.All.EqualTo(TaskState.Running));
        Assert.That(f.Starts("a") + f.Starts("b"), Is.EqualTo(2), "nothing was restarted");

        // Valid: b changes (slice), a does not; the log level applies at once.
        File.WriteAllText(f.ConfigPath, DaemonFixture.Config(f.Directory, "DEBUG", ("a", 0), ("b", 60)));
        Assert.That(Ctl("--socket", f.SocketPath, "reload"), Is.Zero);
        Assert.That(Run.Until(() => f.Log.Contains("reload complete"), 10_000), Is.True, f.Log.Text);
        Assert.That(f.Log.Contains("reload complete: 1 unchanged, 1 rebuilt (b), 0 removed, 0 added"), Is.True, f.Log.Text);
        Assert.That(f.Host.LogSwitch.Level, Is.EqualTo(LogLevel.Debug));
        Assert.That(f.Starts("a"), Is.EqualTo(1), "the unchanged task was not restarted");
        Assert.That(f.Starts("b"), Is.EqualTo(2));
        RecordingSink newB = f.Sink("b", "\"slice\":60");
        Assert.That(Run.Until(() => newB.Records().Count == f.Frames.Count, 20_000), Is.True, "the rebuilt task forwards with its new settings");
        Assert.That(newB.Records().All(r => r.Frame.Length <= 60), Is.True);
        Assert.That(Run.Until(() => f.Sink("a").Records().Count == f.Frames.Count, 20_000), Is.True, "the unchanged task delivered every packet");
        Assert.That(f.Host.Engine!.GetStatus()[0].Outputs[0].Counters.ErrorDropPackets, Is.Zero);
    }
}
