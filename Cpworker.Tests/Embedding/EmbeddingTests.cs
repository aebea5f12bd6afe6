using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;
using Cpworker.Tests.Files;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Embedding;

/// <summary>The public API an embedding application uses: JSON in, custom outputs and sources plugged in.</summary>
public class EmbeddingTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cpwe-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    /// <summary>UDP frames between 10.0.0.1 (the service, port 8011) and clients, alternating directions.</summary>
    private string WriteCapture(int count)
    {
        var pcap = new PcapBuilder();
        for (int i = 0; i < count; i++)
        {
            bool request = i % 3 != 0;
            pcap.Add(Udp(request ? "0a000002" : "0a000001", request ? "0a000001" : "0a000002", request ? 40000 : 8011, request ? 8011 : 40000, i), 1_700_000_000_000_000_000 + i * 1000L);
        }

        return pcap.WriteTo(Path.Combine(_dir, "in.pcap"));
    }

    private static byte[] Udp(string src, string dst, int sport, int dport, int seq)
    {
        byte[] f = Convert.FromHexString("020000000002020000000001080045000024000040004011000000000000000000000000000000100000" + "00000000");
        Convert.FromHexString(src).CopyTo(f, 26);
        Convert.FromHexString(dst).CopyTo(f, 30);
        f[34] = (byte)(sport >> 8);
        f[35] = (byte)sport;
        f[36] = (byte)(dport >> 8);
        f[37] = (byte)dport;
        BitConverter.GetBytes(seq).CopyTo(f, 42);
        return f;
    }

    private static string Json(string capture, string outputs, string model = "rtc") => $$"""
        {
          "execution_model": "{{model}}", "pipeline": { "buffer_size_mb": 4 },
          "tasks": [{
            "req_pattern": { "type": "custom", "custom": { "pattern": "host 10.0.0.1 and port 8011" } },
            "capturer": { "type": "pcap_file", "pcap_file": { "file_name": "{{capture}}" } },
            "outputs": [ {{outputs}} ]
          }]
        }
        """;

    [TestCase("rtc")]
    [TestCase("pipeline")]
    public async Task A_custom_output_named_in_json_receives_every_packet_with_its_direction(string model)
    {
        var counter = new DirectionCounter();
        var options = new CpworkerEngineOptions().AddOutput("counter", ctx =>
        {
            Assert.That(ctx.Settings?.GetProperty("label").GetString(), Is.EqualTo("a"));
            return counter;
        });
        await using CpworkerEngine engine = CpworkerEngine.FromJson(Json(WriteCapture(3000), """{ "type": "counter", "counter": { "label": "a" } }""", model), options);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(20_000), Is.True);
        await engine.StopAsync();

        Assert.That((counter.Incoming, counter.Outgoing), Is.EqualTo((2000, 1000)));
        Assert.That(counter.Disposed, Is.True);
        Assert.That(engine.GetStatus()[0].Outputs[0].Counters.ForwardedPackets, Is.EqualTo(3000));
    }

    [TestCase("rtc")]
    [TestCase("pipeline")]
    public async Task A_throwing_custom_output_loses_only_its_own_packets_counted(string model)
    {
        string outFile = Path.Combine(_dir, "out.pcap");
        var options = new CpworkerEngineOptions().AddStandardOutputs().AddOutput("broken", _ => new ThrowingOutput());
        await using CpworkerEngine engine = CpworkerEngine.FromJson(
            Json(WriteCapture(3000), $$"""{ "type": "broken" }, { "type": "file", "file": { "name": "{{outFile}}" } }""", model), options);
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(20_000), Is.True);
        await engine.StopAsync();

        OutputCounterSnapshot broken = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That(broken.ErrorDropPackets, Is.EqualTo(3000), "every packet it threw away is counted");
        Assert.That(broken.ForwardedPackets, Is.Zero);
        Assert.That(PcapFileReader.Read(outFile).Records, Has.Count.EqualTo(3000), "the other output is untouched");
        Assert.That(engine.GetStatus()[0].State, Is.EqualTo(TaskState.Stopped));
    }

    [TestCase("rtc")]
    [TestCase("pipeline")]
    public async Task A_slow_custom_output_neither_stalls_nor_starves_the_others(string model)
    {
        string outFile = Path.Combine(_dir, "out.pcap");
        var slow = new SlowOutput(TimeSpan.FromMilliseconds(200));
        var options = new CpworkerEngineOptions().AddStandardOutputs().AddOutput("slow", _ => slow);
        await using CpworkerEngine engine = CpworkerEngine.FromJson(
            Json(WriteCapture(200_000), $$"""{ "type": "slow" }, { "type": "file", "file": { "name": "{{outFile}}" } }""", model), options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        engine.Start();
        // 200,000 packets at 200 ms per batch would take minutes if the slow output held the replay up.
        Assert.That(engine.ReplaysFinished.Wait(20_000), Is.True, "the replay is not held up by the slow output");
        await engine.StopAsync();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));

        OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That(c.ErrorDropPackets, Is.GreaterThan(0), "the slow output loses packets");
        Assert.That(c.HandedPackets, Is.EqualTo(200_000), "and every one is counted once");
        Assert.That(c.ForwardedPackets, Is.EqualTo(slow.Received));
        Assert.That(PcapFileReader.Read(outFile).Records, Has.Count.EqualTo(200_000), "the file output gets everything");
    }

    [Test]
    public async Task A_custom_source_feeds_a_task()
    {
        var counter = new DirectionCounter();
        var config = new CpworkerConfig
        {
            Tasks =
            [
                new TaskConfig
                {
                    ReqPattern = new CustomDirectionConfig("port 8011"),
                    Capturer = new CustomCaptureConfig(() => new GeneratorSource(5000)) { IsReplay = true },
                    Outputs = [new OutputConfig { Type = "counter", Settings = new CustomOutputSettings() }],
                },
            ],
        };
        await using CpworkerEngine engine = CpworkerEngine.Create(config, new CpworkerEngineOptions().AddOutput("counter", _ => counter));
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(20_000), Is.True);
        await engine.StopAsync();
        Assert.That((counter.Incoming, counter.Outgoing), Is.EqualTo((5000, 0)));
        Assert.That(engine.GetStatus()[0].Name, Is.EqualTo("task-0"));
    }

    [Test]
    public void A_bad_configuration_names_every_problem_with_its_path()
    {
        var ex = Assert.Throws<CpworkerConfigException>(() => CpworkerEngine.FromJson(
            """{ "execution_model": "fast", "tasks": [{ "capturer": { "type": "pcap_file", "pcap_file": {} }, "outputs": [{ "type": "counter" }] }] }"""));
        Assert.That(ex!.Diagnostics.Select(d => d.Path), Is.SupersetOf(new[] { "execution_model", "tasks[0].capturer.pcap_file.file_name", "tasks[0].outputs[0].type" }));
        Assert.That(ex.Message, Does.Contain("tasks[0].outputs[0].type"));
        Assert.Throws<ArgumentException>(() => new CpworkerEngineOptions().AddStandardOutputs().AddOutput("vxlan", _ => new DirectionCounter()));
    }

    private sealed class DirectionCounter : IPacketOutput
    {
        public int Incoming;
        public int Outgoing;
        public bool Disposed;

        public void Write(in PacketBatchView batch)
        {
            foreach (Packet p in batch)
            {
                if (p.Direction == PacketDirection.Incoming)
                {
                    Incoming++;
                }
                else if (p.Direction == PacketDirection.Outgoing)
                {
                    Outgoing++;
                }
            }
        }

        public void Dispose() => Disposed = true;
    }

    private sealed class ThrowingOutput : IPacketOutput
    {
        public void Write(in PacketBatchView batch) => throw new InvalidOperationException("plug-in bug");

        public void Dispose()
        {
        }
    }

    private sealed class SlowOutput(TimeSpan delay) : IPacketOutput
    {
        public long Received;

        public void Write(in PacketBatchView batch)
        {
            Received += batch.Count;
            Thread.Sleep(delay);
        }

        public void Dispose()
        {
        }
    }

    private sealed class GeneratorSource(int count) : IPacketSource
    {
        private int _sent;

        public void Open()
        {
        }

        public bool Read(PacketWriter writer, TimeSpan timeout)
        {
            while (_sent < count && writer.TryWrite(Udp("0a000002", "0a000001", 40000, 8011, _sent), 60, 1_700_000_000_000_000_000 + _sent * 1000L))
            {
                _sent++;
            }

            return _sent < count;
        }

        public void Dispose()
        {
        }
    }
}
