using System.Text.Json.Nodes;
using Cpworker.Tests.Capture;

namespace Cpworker.Tests.Recv;

/// <summary>
/// SIGHUP keeps its meaning (recv: print the counters; the daemon: reload, through the same
/// <c>ShutdownSignals</c>) when the parent ignored it, as <c>nohup</c> and some supervisors do: an
/// ignored signal stays ignored across <c>exec</c>, and .NET then installed no handler, so SIGHUP
/// silently did nothing (docs/operations.md, "Signals and exit codes").
/// </summary>
[CancelAfter(60_000)]
public class InheritedSighupIgnoreTests
{
    [Test]
    public void Sighup_prints_the_counters_even_when_the_parent_ignored_it()
    {
        using var dir = new TempDirectory();
        using var recv = new RecvProcess($"recv --vxlan 127.0.0.1:0 -w {dir.File("out.pcapng")} --stats-interval 0", sighupIgnored: true);
        recv.WaitReady();
        JsonObject? stats = recv.Stats(10_000);
        Assert.That(stats, Is.Not.Null, "SIGHUP printed the counters:\n" + recv.Output);
        Assert.That(stats!["receivers"]!.AsArray(), Has.Count.EqualTo(1));
    }
}
