using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;
using Cpworker.Tests.Support;
using NetMQ;
using NetMQ.Sockets;

namespace Cpworker.Tests.Network;

/// <summary>The network outputs inside the running engine (a replayed task), under both execution models.</summary>
[NonParallelizable]
public sealed class EngineOutputTests
{
    /// <summary>Frames of 1000 bytes, 1 ms apart (8 Mbit/s of capture time), each carrying its sequence number.</summary>
    private static List<(byte[] Frame, long TimestampNanos)> Traffic(int count, int size = 1000)
    {
        var list = new List<(byte[], long)>(count);
        var random = new Random(11);
        for (int i = 0; i < count; i++)
        {
            byte[] f = new byte[size];
            random.NextBytes(f);
            f[12] = 0x08;
            f[13] = 0x00;
            BitConverter.TryWriteBytes(f.AsSpan(14), i);
            list.Add((f, 1_700_000_000_000_000_000 + (i * 1_000_000L)));
        }

        return list;
    }

    private static async Task<IReadOnlyList<Cpworker.Engine.Runtime.TaskSnapshot>> Replay(ExecutionModel model, IReadOnlyList<(byte[], long)> frames, params OutputConfig[] outputs)
    {
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 8,
            Tasks = [new TaskConfig { Name = "replay", Capturer = new CustomCaptureConfig(() => new FakeSource(frames)) { IsReplay = true }, Outputs = outputs }],
        };
        await using var engine = new CpworkerEngine(config, StandardOutputs.CreateRegistry(), new ListLogger().Factory);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(30_000), Is.True, "the replay ends");
        await engine.StopAsync();
        return engine.GetStatus();
    }

    /// <summary>Bytes that a token bucket of <paramref name="mbps"/> (one second deep, a tenth full at start) lets through, computed apart from the engine.</summary>
    private static int ExpectedUnderLimit(IReadOnlyList<(byte[] Frame, long Ts)> frames, int mbps)
    {
        double rate = mbps * 1_000_000.0 / 8 / 1e9;
        double capacity = mbps * 1_000_000.0 / 8;
        double tokens = capacity / 10;
        long last = frames[0].Ts;
        int passed = 0;
        foreach ((byte[] f, long ts) in frames)
        {
            tokens = Math.Min(capacity, tokens + ((ts - last) * rate));
            last = ts;
            if (tokens >= f.Length)
            {
                tokens -= f.Length;
                passed++;
            }
        }

        return passed;
    }

    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task ARateLimitedOutputDropsWhileItsNeighbourForwardsEverything(ExecutionModel model)
    {
        using var limited = new UdpCollector();
        using var full = new UdpCollector();
        var frames = Traffic(5000);
        IReadOnlyList<Cpworker.Engine.Runtime.TaskSnapshot> status = await Replay(
            model,
            frames,
            new OutputConfig { Index = 0, Type = "vxlan", RateLimitMbps = 2, Settings = new VxlanSettings { Host = "127.0.0.1", Port = limited.Port, VniKind = VniKind.Vni2, Vni = 0x100 } },
            new OutputConfig { Index = 1, Type = "vxlan", Settings = new VxlanSettings { Host = "127.0.0.1", Port = full.Port, VniKind = VniKind.Vni2, Vni = 0x200 } });

        int expected = ExpectedUnderLimit(frames, 2);
        OutputCounterSnapshot a = status[0].Outputs[0].Counters;
        OutputCounterSnapshot b = status[0].Outputs[1].Counters;
        Assert.That((a.ForwardedPackets, a.RateLimitDropPackets, a.ErrorDropPackets), Is.EqualTo(((long)expected, 5000L - expected, 0L)));
        Assert.That((b.ForwardedPackets, b.RateLimitDropPackets, b.ErrorDropPackets), Is.EqualTo((5000L, 0L, 0L)));
        Assert.That(Run.Until(() => limited.Count == expected && full.Count == 5000, 10_000), Is.True, $"received {limited.Count} and {full.Count}");
        List<byte[]> got = full.Datagrams;
        for (int i = 0; i < 5000; i++)
        {
            Assert.That(got[i].AsSpan(8).SequenceEqual(frames[i].Frame), Is.True, $"datagram {i} carries frame {i}");
        }
    }

    [Category(TestCategories.Root)]
    [Test]
    public async Task BothExecutionModelsPutTheSameBytesOnTheWire()
    {
        var results = new List<(List<byte[]> Gre, List<byte[]> Vxlan, List<byte[]> Zmq)>();
        var frames = Traffic(3000, size: 700);
        foreach (ExecutionModel model in new[] { ExecutionModel.Rtc, ExecutionModel.Pipeline })
        {
            uint tag = 0x0C0FFEE + (uint)model;
            using var vxlan = new UdpCollector();
            using var pull = new PullSocket();
            int zmqPort = pull.BindRandomPort("tcp://127.0.0.1");
            using var gre = new RawGreCollector(tag);
            IReadOnlyList<Cpworker.Engine.Runtime.TaskSnapshot> status = await Replay(
                model,
                frames,
                new OutputConfig { Index = 0, Type = "gre", Settings = new GreSettings { Host = "127.0.0.1", ServiceTag = tag } },
                new OutputConfig { Index = 1, Type = "vxlan", Settings = new VxlanSettings { Host = "127.0.0.1", Port = vxlan.Port, Vni = 0x123456, CaptureTime = true } },
                new OutputConfig { Index = 2, Type = "zmq", Slice = 100, Settings = new ZmqSettings { Host = "127.0.0.1", Port = zmqPort, ServiceTag = 5 } });

            Assert.That(status[0].Outputs.Select(o => o.Counters.ForwardedPackets), Is.All.EqualTo(3000));
            Assert.That(Run.Until(() => gre.Count == 3000 && vxlan.Count == 3000, 10_000), Is.True, $"{model}: gre {gre.Count}, vxlan {vxlan.Count}");
            var zmq = new List<byte[]>();
            int records = 0;
            while (records < 3000 && pull.TryReceiveFrameBytes(TimeSpan.FromSeconds(10), out byte[]? m))
            {
                zmq.Add(m);
                records += (m[2] << 8) | m[3];
            }

            Assert.That(records, Is.EqualTo(3000), $"{model}: every ZMQ record");
            results.Add((gre.Datagrams, vxlan.Datagrams, zmq));
        }

        Assert.That(results[1].Vxlan.Select(d => NetTest.Hex(d)), Is.EqualTo(results[0].Vxlan.Select(d => NetTest.Hex(d))));
        Assert.That(results[1].Gre.Select(d => NetTest.Hex(d.AsSpan(8))), Is.EqualTo(results[0].Gre.Select(d => NetTest.Hex(d.AsSpan(8)))), "frames behind the (per-run) key");
        Assert.That(
            string.Concat(results[1].Zmq.SelectMany(RecordsOf)),
            Is.EqualTo(string.Concat(results[0].Zmq.SelectMany(RecordsOf))),
            "the same records (batch boundaries may differ with timing)");
    }

    private static IEnumerable<string> RecordsOf(byte[] message)
    {
        for (int at = 24; at < message.Length;)
        {
            int len = (message[at] << 8) | message[at + 1];
            yield return NetTest.Hex(message.AsSpan(at, 18 + len));
            at += 18 + len;
        }
    }
}
