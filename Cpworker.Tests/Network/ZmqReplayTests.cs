using System.Buffers.Binary;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Tests.Network;

/// <summary>A replay into ZeroMQ waits for a slow receiver instead of dropping at the high-water mark.</summary>
[NonParallelizable]
public sealed class ZmqReplayTests
{
    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_replay_loses_nothing_to_a_receiver_slower_than_it(ExecutionModel model)
    {
        const int count = 30_000; // 1000-byte frames: about 30 batches of 1 MiB
        var frames = Frames(count);

        using var pull = new PullSocket();
        pull.Options.ReceiveHighWatermark = 1; // NetMQ would otherwise buffer everything in this process
        int port = pull.BindRandomPort("tcp://127.0.0.1");
        long records = 0;
        var receiver = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Interlocked.Read(ref records) < count && DateTime.UtcNow < deadline)
            {
                if (pull.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out byte[]? message))
                {
                    Interlocked.Add(ref records, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)));
                    Thread.Sleep(20); // slower than the replay: its queue (hwm 2) fills up
                }
            }
        });

        CpworkerConfig config = ReplayInto(port, model, frames);
        OutputCounterSnapshot counters;
        await using (var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory))
        {
            engine.Start();
            Assert.That(engine.ReplaysFinished.Wait(60_000), Is.True, "the replay ends");
            await engine.StopAsync();
            counters = engine.GetStatus()[0].Outputs[0].Counters;
        }

        Assert.That(receiver.Wait(60_000), Is.True, "the receiver finishes");
        Assert.That(counters.ErrorDropPackets, Is.Zero, counters.ToString());
        Assert.That(counters.ForwardedPackets, Is.EqualTo(count), counters.ToString());
        Assert.That(Interlocked.Read(ref records), Is.EqualTo(count), "records received");
    }

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_replay_to_a_receiver_that_is_not_there_ends_promptly_with_its_losses_counted(ExecutionModel model)
    {
        const int count = 60_000; // about 60 batches: waiting a second for each would take a minute
        CpworkerConfig config = ReplayInto(TestSockets.FreeTcpPort() /* nothing listens there */, model, Frames(count));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        OutputCounterSnapshot counters;
        await using (var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory))
        {
            engine.Start();
            Assert.That(engine.ReplaysFinished.Wait(30_000), Is.True, "the replay ends");
            await engine.StopAsync();
            counters = engine.GetStatus()[0].Outputs[0].Counters;
        }

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)), "one wait for a dead receiver, not one per batch");
        Assert.That(counters.HandedPackets, Is.EqualTo(count));
        Assert.That(counters.ErrorDropPackets, Is.GreaterThan(count / 2), counters.ToString());
    }

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task Frames_the_format_cannot_carry_are_counted_and_said_in_the_log(ExecutionModel model)
    {
        // Every 10th frame announces a VLAN tag it does not hold (16 bytes captured): a ZMQ record
        // cannot carry it, so the encoder refuses it. That loss must be counted and logged, never silent.
        const int count = 2_000;
        var frames = Frames(count);
        for (int i = 0; i < count; i += 10)
        {
            byte[] runt = new byte[16];
            runt[12] = 0x81;
            frames[i] = (runt, frames[i].TimestampNanos);
        }

        using var pull = new PullSocket();
        int port = pull.BindRandomPort("tcp://127.0.0.1");
        long records = 0;
        var receiver = Task.Run(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Interlocked.Read(ref records) < count - count / 10 && DateTime.UtcNow < deadline)
            {
                if (pull.TryReceiveFrameBytes(TimeSpan.FromMilliseconds(100), out byte[]? message))
                {
                    Interlocked.Add(ref records, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)));
                }
            }
        });

        var log = new ListLogger();
        OutputCounterSnapshot counters;
        await using (var engine = new CpworkerEngine(ReplayInto(port, model, frames), StandardOutputs.CreateRegistry(), log.Factory))
        {
            engine.Start();
            Assert.That(engine.ReplaysFinished.Wait(60_000), Is.True, "the replay ends");
            await engine.StopAsync();
            counters = engine.GetStatus()[0].Outputs[0].Counters;
        }

        Assert.That(receiver.Wait(60_000), Is.True, "the receiver finishes");
        Assert.That(counters.ErrorDropPackets, Is.EqualTo(count / 10), counters.ToString());
        Assert.That(counters.ForwardedPackets, Is.EqualTo(count - count / 10), counters.ToString());
        List<string> warnings = log.At(Microsoft.Extensions.Logging.LogLevel.Warning).Where(l => l.Contains("the encoder refused them", StringComparison.Ordinal)).ToList();
        Assert.That(warnings, Is.Not.Empty, log.ToString());
        long reported = warnings.Sum(w => long.Parse(w.Split(": ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(reported, Is.EqualTo(count / 10), "every refused packet is reported, the last ones at stop:\n" + string.Join("\n", warnings));
    }

    /// <summary>1000-byte frames numbered in their first payload bytes, 1 µs apart.</summary>
    private static List<(byte[] Frame, long TimestampNanos)> Frames(int count)
    {
        var frames = new List<(byte[], long)>(count);
        for (int i = 0; i < count; i++)
        {
            byte[] f = new byte[1000];
            f[12] = 0x08;
            BinaryPrimitives.WriteInt32BigEndian(f.AsSpan(14), i);
            frames.Add((f, 1_700_000_000_000_000_000 + i * 1000L));
        }

        return frames;
    }

    /// <summary>A replay of <paramref name="frames"/> into one ZMQ output to 127.0.0.1:<paramref name="port"/> with hwm 2.</summary>
    private static CpworkerConfig ReplayInto(int port, ExecutionModel model, List<(byte[] Frame, long TimestampNanos)> frames) =>
        ReplayInto(new ZmqSettings { Host = "127.0.0.1", Port = port, Hwm = 2 }, model, frames);

    /// <summary>A replay of <paramref name="frames"/> (a lossless source) into one ZMQ output with <paramref name="settings"/>.</summary>
    internal static CpworkerConfig ReplayInto(ZmqSettings settings, ExecutionModel model, List<(byte[] Frame, long TimestampNanos)> frames) => new()
    {
        ExecutionModel = model,
        PipelineBufferSizeMb = 8,
        Tasks =
        [
            new TaskConfig
            {
                Name = "replay",
                Capturer = new CustomCaptureConfig(() => new FakeSource(frames)) { IsReplay = true },
                Outputs = [new OutputConfig { Type = "zmq", Settings = settings }],
            },
        ],
    };
}
