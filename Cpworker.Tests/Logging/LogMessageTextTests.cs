using System.Text.RegularExpressions;
using Cpworker.Engine.Runtime;
using Cpworker.Engine.Scheduling;
using Cpworker.Host.Daemon;
using Cpworker.Host.Logging;
using Cpworker.Outputs.Common;
using Microsoft.Extensions.Logging;

namespace Cpworker.Tests.Logging;

/// <summary>
/// The [LoggerMessage] methods write the same text the daemon always wrote (docs/development.md
/// "Logging"): operators' scripts and the benchmark harness parse these lines.
/// </summary>
public class LogMessageTextTests
{
    private static readonly Regex s_prefix = new(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d (DEBUG|INFO|WARN|ERROR) ", RegexOptions.Compiled);

    [Test]
    public void A_message_with_more_than_six_values_keeps_its_number_formats()
    {
        string line = Log(LogLevel.Debug, l => SchedulingLog.RunFinished(l, "t1", 10, 1500, 0.5, 0.25, 4096, 0, 20480, 1, 2, 9, 1, 0, 0));

        Assert.That(line, Is.EqualTo(
            "DEBUG t1: run finished: 10 packets, 1500 bytes in 0.500000 s, cpu 0.250000 s, allocated 4096 B, gen0 GCs 0, peak RSS 20480 kB; " +
            "kernel drops 1, interface drops 2; forwarded 9, dropped: direction 1, rate limit 0, error 0"));
    }

    [Test]
    public void A_check_problem_takes_the_level_it_is_given()
    {
        Assert.That(Log(LogLevel.Debug, l => DaemonLog.CheckProblem(l, LogLevel.Warning, "config: ", "tasks[0]: unknown key")), Is.EqualTo("WARN config: tasks[0]: unknown key"));
        Assert.That(Log(LogLevel.Debug, l => DaemonLog.CheckProblem(l, LogLevel.Error, "reload failed: ", "tasks[0]: bad")), Is.EqualTo("ERROR reload failed: tasks[0]: bad"));
    }

    [Test]
    public void An_exception_already_in_the_text_is_not_repeated()
    {
        var ex = new InvalidOperationException("disk full");
        Assert.That(Log(LogLevel.Debug, l => SchedulingLog.SendFailed(l, ex, "t1/file", ex.Message)), Is.EqualTo("ERROR t1/file: send failed: disk full"));
        Assert.That(Log(LogLevel.Debug, l => SchedulingLog.ThreadFailed(l, ex, "t1", "capture")), Is.EqualTo("ERROR t1: capture thread failed (InvalidOperationException: disk full)"));
    }

    [Test]
    public void Values_and_missing_values_are_written_as_before()
    {
        Assert.That(Log(LogLevel.Debug, l => TransportLog.SendFailed(l, "t1/gre", new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 4754), "Connection refused (errno 111)", 3)),
            Is.EqualTo("WARN t1/gre: sending to 127.0.0.1:4754 failed: Connection refused (errno 111); the datagram is dropped (3 failed datagrams so far)"));
        Assert.That(Log(LogLevel.Debug, l => RuntimeLog.Retrying(l, "t1", "no such device", "5 s", "")), Is.EqualTo("ERROR t1: no such device; retrying in 5 s"));
        Assert.That(Log(LogLevel.Debug, l => RuntimeLog.TaskRunning(l, "t1", null!, 2, "rtc")), Is.EqualTo("INFO t1: running ((null), 2 output(s), rtc)"));
    }

    [Test]
    public void A_message_below_the_level_is_not_written()
    {
        Assert.That(Log(LogLevel.Information, l => SchedulingLog.CaptureStopped(l, "t1")), Is.Empty);
        Assert.That(Log(LogLevel.Information, l => DaemonLog.Stopped(l, 12)), Is.EqualTo("INFO stopped in 12 ms"));
    }

    /// <summary>Writes through the daemon's stderr logger; the line without its timestamp, or "" when nothing was written.</summary>
    private static string Log(LogLevel level, Action<ILogger> write)
    {
        using var text = new StringWriter();
        using var factory = new StderrLoggerFactory(new LogLevelSwitch(level), text);
        write(factory.CreateLogger("cpworker"));
        string all = text.ToString();
        if (all.Length == 0)
        {
            return "";
        }

        string[] lines = all.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(1), all);
        Assert.That(s_prefix.IsMatch(lines[0]), Is.True, lines[0]);
        return lines[0][20..].TrimEnd('\r');
    }
}
