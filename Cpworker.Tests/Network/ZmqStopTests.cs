using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Network;

/// <summary>A stop stays within its budget even when ZMQ receivers never take the last batches.</summary>
[NonParallelizable]
public sealed class ZmqStopTests
{
    [Test]
    public async Task Two_zmq_outputs_to_a_receiver_that_never_reads_still_stop_within_the_budget()
    {
        // A TCP peer that accepts and never reads, with a tiny window: the last batches stay unacknowledged.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(8);
        int port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var accepted = new List<Socket>();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await listener.AcceptAsync());
                }
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        });

        var frames = Enumerable.Range(0, 4000).Select(i => (new byte[1000], 1_700_000_000_000_000_000 + i * 1000L)).ToList();
        foreach ((byte[] f, _) in frames)
        {
            f[12] = 0x08;
        }

        var config = new CpworkerConfig
        {
            Tasks =
            [
                new TaskConfig
                {
                    Name = "live",
                    Capturer = new CustomCaptureConfig(() => new FakeSource(frames, lossless: false) { MaxPerFill = 200, PaceMs = 1 }),
                    Outputs =
                    [
                        new OutputConfig { Index = 0, Type = "zmq", Settings = new ZmqSettings { Host = "127.0.0.1", Port = port } },
                        new OutputConfig { Index = 1, Type = "zmq", Settings = new ZmqSettings { Host = "127.0.0.1", Port = port } },
                    ],
                },
            ],
        };
        await using var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory);
        engine.Start();
        // Both outputs have sent whole batches (1 MiB each) that the peer is not taking.
        Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs.All(o => o.Counters.ForwardedPackets >= 2000), 20_000), Is.True);

        var clock = Stopwatch.StartNew();
        await engine.StopAsync();
        Assert.That(clock.Elapsed, Is.LessThan(StopClock.CloseBudget + TimeSpan.FromMilliseconds(700)),
            "the outputs' waits for the receiver share one budget instead of 2 s each");
        listener.Dispose();
        await accepting;
        accepted.ForEach(a => a.Dispose());
    }

    [Test]
    public void The_stop_clock_cuts_waits_to_what_is_left_and_expires_on_abort()
    {
        var clock = new StopClock();
        Assert.That(clock.Limit(TimeSpan.FromSeconds(5)), Is.EqualTo(TimeSpan.FromSeconds(5)), "running: waits are not cut");
        clock.Begin(TimeSpan.FromSeconds(1));
        Assert.That(clock.Limit(TimeSpan.FromSeconds(5)), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(clock.Limit(TimeSpan.FromMilliseconds(10)), Is.EqualTo(TimeSpan.FromMilliseconds(10)));
        clock.Begin(TimeSpan.FromSeconds(60));
        Assert.That(clock.Limit(TimeSpan.FromSeconds(5)), Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), "the first stop request sets the budget");
        clock.Expire();
        Assert.That(clock.Limit(TimeSpan.FromSeconds(5)), Is.EqualTo(TimeSpan.Zero));
    }
}
