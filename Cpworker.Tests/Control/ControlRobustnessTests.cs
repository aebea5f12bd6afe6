using System.Diagnostics;
using System.Text;
using Cpworker.Engine.Configuration;
using Cpworker.Host.Control;
using Cpworker.Tests.Engine;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>
/// Misbehaving and numerous clients (docs/operations.md, "The control socket"): none blocks the others, none touches the
/// packet path, and the server never buffers without bound.
/// </summary>
[CancelAfter(60_000)]
public class ControlRobustnessTests
{
    private static CpworkerConfig Streaming(RecordingSink sink, int frames) => new()
    {
        Tasks = [ControlFixture.Task("live", () => new FakeSource(SchedulerHarness.Frames(frames, runtEvery: int.MaxValue), lossless: false) { MaxPerFill = 10, PaceMs = 1 }, sink)],
    };

    [Test]
    public async Task Thirty_two_clients_at_once_are_all_served()
    {
        await using ControlFixture f = ControlFixture.Start(Streaming(new RecordingSink(), 2000));
        var clients = Enumerable.Range(0, 32).Select(_ => RawClient.Handshaken(f.SocketPath)).ToList();
        try
        {
            Assert.That(Run.Until(() => f.Server.ClientCount == 32, 5000), Is.True, "all 32 connected at once");
            // Each client on its own thread (as separate ctl processes would be): blocking clients
            // on the thread pool would starve the server's own async continuations in the test host.
            var replies = new List<string>[32];
            var threads = clients.Select((c, n) => new Thread(() =>
            {
                var lines = new List<string>();
                for (int i = 0; i < 20; i++)
                {
                    lines.Add(c.Exchange(i % 2 == 0 ? "{\"command\":\"collect_stats_summary\"}" : "{\"command\":\"tasks\"}"));
                }

                replies[n] = lines;
            })).ToList();
            threads.ForEach(t => t.Start());
            Assert.That(threads.All(t => t.Join(30_000)), Is.True, "every client got its 20 replies in time");
            Assert.That(replies.SelectMany(r => r), Has.All.Contain("\"status\":\"OK\""));
            Assert.That(replies.SelectMany(r => r).Count(), Is.EqualTo(32 * 20));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Test]
    public async Task A_request_split_over_many_writes_and_requests_packed_in_one_write_frame_correctly()
    {
        await using ControlFixture f = ControlFixture.Start(Streaming(new RecordingSink(), 10));
        using RawClient c = RawClient.Connect(f.SocketPath);
        foreach (char ch in "{\"version\":\"v1\"}\n")
        {
            c.Send(ch.ToString());
            Thread.Sleep(2); // separate segments
        }

        Assert.That(c.ReadLine(), Is.EqualTo("{\"status\":\"OK\"}"));
        c.Send("{\"comm");
        Thread.Sleep(50);
        c.Send("and\":\"pi");
        Thread.Sleep(50);
        c.Send("ng\"}\r\n\n{\"command\":\"ping\"}\n{\"command\":\"nope\"}\n");
        Assert.That(c.ReadLine(), Does.StartWith("{\"status\":\"OK\",\"ts_ms\":"), "CRLF accepted");
        Assert.That(c.ReadLine(), Does.StartWith("{\"status\":\"OK\",\"ts_ms\":"), "blank line ignored, second request answered");
        Assert.That(c.ReadLine(), Is.EqualTo("{\"message\":\"unknown command\",\"status\":\"ERROR\"}"));
    }

    [Test]
    public async Task A_silent_client_is_disconnected_after_the_idle_timeout_without_delaying_others()
    {
        await using ControlFixture f = ControlFixture.Start(Streaming(new RecordingSink(), 10), idleTimeout: TimeSpan.FromMilliseconds(700));
        using RawClient silent = RawClient.Connect(f.SocketPath);
        using RawClient halfway = RawClient.Handshaken(f.SocketPath);
        halfway.Send("{\"command\":\"pi"); // never finished
        using RawClient busy = RawClient.Handshaken(f.SocketPath);
        var clock = Stopwatch.StartNew();
        Assert.That(busy.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
        Assert.That(clock.ElapsedMilliseconds, Is.LessThan(500), "a silent client does not delay another");
        Assert.That(silent.ClosedWithin(5000), Is.True, "silent client closed");
        Assert.That(halfway.ClosedWithin(5000), Is.True, "client silent in the middle of a line closed");

        await using ControlFixture defaults = ControlFixture.Start(Streaming(new RecordingSink(), 10));
        Assert.That(defaults.Server.IdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public async Task Malformed_json_gets_an_error_reply_and_the_connection_stays_usable()
    {
        await using ControlFixture f = ControlFixture.Start(Streaming(new RecordingSink(), 10));
        using RawClient c = RawClient.Handshaken(f.SocketPath);
        foreach (string bad in new[] { "{\"command\":", "command=ping", "{\"command\":\"ping\"} {}", "\u00ff\u00fe", "{\"a\":" + new string('[', 100) })
        {
            string reply = c.Exchange(bad);
            Assert.That(reply, Does.StartWith("{\"message\":\"malformed JSON").And.EndWith("\"status\":\"ERROR\"}"), bad);
        }

        Assert.That(c.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
    }

    [Test]
    public async Task A_line_over_64_KiB_is_refused_and_closed_while_the_packet_path_and_other_clients_carry_on()
    {
        var sink = new RecordingSink();
        const int frames = 3000;
        await using ControlFixture f = ControlFixture.Start(Streaming(sink, frames));
        using RawClient other = RawClient.Handshaken(f.SocketPath);

        // Without a newline: the server must stop reading at the limit, not buffer on.
        using RawClient flood = RawClient.Handshaken(f.SocketPath);
        var junk = Encoding.ASCII.GetBytes("{\"command\":\"" + new string('x', 200 * 1024));
        var sender = Task.Run(() =>
        {
            try
            {
                flood.Send(junk);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The server closed the connection mid-way: what we expect.
            }
        });
        string? reply = flood.ReadLine(5000);
        Assert.That(reply, Is.EqualTo($"{{\"message\":\"request longer than {ControlServer.MaxLineBytes} bytes\",\"status\":\"ERROR\"}}"));
        Assert.That(flood.ClosedWithin(5000), Is.True);
        Assert.That(sender.Wait(5000), Is.True);

        // With a newline, just over the limit.
        using RawClient longLine = RawClient.Handshaken(f.SocketPath);
        string over = "{\"command\":\"ping\",\"pad\":\"" + new string('y', ControlServer.MaxLineBytes) + "\"}";
        Assert.That(longLine.Exchange(over), Does.Contain("request longer than"));
        Assert.That(longLine.ClosedWithin(5000), Is.True);

        // Just under the limit is a normal request.
        using RawClient under = RawClient.Handshaken(f.SocketPath);
        string fits = "{\"command\":\"ping\",\"pad\":\"" + new string('z', ControlServer.MaxLineBytes - 40) + "\"}";
        Assert.That(under.Exchange(fits), Does.Contain("\"status\":\"OK\""));

        Assert.That(other.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
        Assert.That(Run.Until(() => sink.Records().Count == frames, 20_000), Is.True, "the packet path loses nothing meanwhile");
        Assert.That(f.Engine.GetStatus()[0].Outputs[0].Counters.ErrorDropPackets, Is.Zero);
    }

    [Test]
    public async Task More_clients_than_the_limit_are_told_so_and_closed()
    {
        await using ControlFixture f = ControlFixture.Start(Streaming(new RecordingSink(), 10));
        var clients = Enumerable.Range(0, ControlServer.MaxClients).Select(_ => RawClient.Handshaken(f.SocketPath)).ToList();
        try
        {
            using RawClient extra = RawClient.Connect(f.SocketPath);
            Assert.That(extra.ReadLine(), Does.Contain("too many clients"));
            Assert.That(extra.ClosedWithin(5000), Is.True);
            clients[0].Dispose();
            Assert.That(Run.Until(() => f.Server.ClientCount < ControlServer.MaxClients, 5000), Is.True);
            using RawClient again = RawClient.Handshaken(f.SocketPath);
            Assert.That(again.Exchange("{\"command\":\"ping\"}"), Does.Contain("\"status\":\"OK\""));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }
}
