using System.Buffers.Binary;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Embedding;

/// <summary>
/// <see cref="PacketChannelOutput"/> under both models: a replay arrives whole and in order through
/// <c>await foreach</c>; a live capture with a slow reader drops, counted, and is never held up; the
/// channel completes when the engine stops; a cancelled reader leaves an engine that still stops.
/// </summary>
[TestFixture(ExecutionModel.Rtc)]
[TestFixture(ExecutionModel.Pipeline)]
public sealed class ChannelOutputTests(ExecutionModel model)
{
    private const long FirstTimestamp = 1_700_000_000_000_000_000;

    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("cpwch-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_dir, recursive: true);

    private string ModelName => model == ExecutionModel.Pipeline ? "pipeline" : "rtc";

    /// <summary>Packet <paramref name="i"/>: two in three are requests to 10.0.0.1:8011, the rest its responses; the sequence in bytes 42–45.</summary>
    private static byte[] Frame(int i)
    {
        bool request = i % 3 != 0;
        byte[] f = Convert.FromHexString("020000000002020000000001080045000024000040004011000000000000000000000000000000100000" + "00000000");
        Convert.FromHexString(request ? "0a000002" : "0a000001").CopyTo(f, 26);
        Convert.FromHexString(request ? "0a000001" : "0a000002").CopyTo(f, 30);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(34), (ushort)(request ? 40000 : 8011));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(36), (ushort)(request ? 8011 : 40000));
        BinaryPrimitives.WriteInt32LittleEndian(f.AsSpan(42), i);
        return f;
    }

    private static PacketDirection DirectionOf(int i) => i % 3 != 0 ? PacketDirection.Incoming : PacketDirection.Outgoing;

    private static long TimestampOf(int i) => FirstTimestamp + i * 1000L;

    private string ReplayJson(int count)
    {
        var pcap = new PcapBuilder();
        for (int i = 0; i < count; i++)
        {
            pcap.Add(Frame(i), TimestampOf(i));
        }

        string file = pcap.WriteTo(Path.Combine(_dir, "in.pcap"));
        return $$"""
            {
              "execution_model": "{{ModelName}}", "pipeline": { "buffer_size_mb": 4 },
              "tasks": [{
                "req_pattern": { "type": "custom", "custom": { "pattern": "host 10.0.0.1 and port 8011" } },
                "capturer": { "type": "pcap_file", "pcap_file": { "file_name": "{{file}}" } },
                "outputs": [{ "type": "tap" }]
              }]
            }
            """;
    }

    /// <summary>A task fed by a live (never ending, dropping) in-memory source of <paramref name="count"/> packets.</summary>
    private CpworkerConfig LiveConfig(FakeSource source) => new()
    {
        ExecutionModel = model,
        PipelineBufferSizeMb = 4,
        Tasks =
        [
            new TaskConfig
            {
                Capturer = new CustomCaptureConfig(() => source),
                Outputs = [new OutputConfig { Type = "tap", Settings = new CustomOutputSettings() }],
            },
        ],
    };

    private static FakeSource LiveSource(int count, int paceMs = 0, int first = 0) =>
        new(Enumerable.Range(first, count).Select(i => (Frame(i), TimestampOf(i))).ToList(), lossless: false) { MaxPerFill = 256, PaceMs = paceMs };

    [Test]
    public async Task Every_packet_of_a_replay_arrives_through_await_foreach_in_order_with_direction_and_time()
    {
        const int Count = 30_000;
        var tap = new PacketChannelOutput(capacity: 2);
        await using CpworkerEngine engine = CpworkerEngine.FromJson(ReplayJson(Count), new CpworkerEngineOptions().AddOutput("tap", tap));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        engine.Start();

        int next = 0;
        int batches = 0;
        string? problem = null;
        Task reading = Task.Run(async () =>
        {
            await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync(timeout.Token))
            {
                using (batch)
                {
                    if (problem is null && (batch.TaskName, batch.OutputName) != ("task-0", "tap-0"))
                    {
                        problem = $"batch of {batch.TaskName}/{batch.OutputName}";
                    }

                    foreach (Packet p in batch)
                    {
                        int seq = BinaryPrimitives.ReadInt32LittleEndian(p.Frame[42..]);
                        if (problem is null && (seq != next || p.Direction != DirectionOf(next) || p.TimestampNanos != TimestampOf(next) || p.OriginalLength != 46))
                        {
                            problem = $"packet {next}: got seq {seq}, {p.Direction}, {p.TimestampNanos}, length {p.OriginalLength}";
                        }

                        next++;
                    }
                }

                if (++batches % 4 == 0)
                {
                    await Task.Delay(5); // slower than the replay: it has to wait for batches to come back
                }
            }
        });

        Assert.That(await Task.WhenAny(engine.ReplaysFinished, Task.Delay(60_000)), Is.SameAs(engine.ReplaysFinished));
        Assert.That(tap.Reader.Completion.IsCompleted, Is.False, "the channel stays open while the engine runs");
        await engine.StopAsync();
        Assert.That(await Task.WhenAny(reading, Task.Delay(30_000)), Is.SameAs(reading), "await foreach ends once the engine has stopped");
        await reading;

        Assert.That(problem, Is.Null);
        Assert.That(next, Is.EqualTo(Count), "every packet arrived");
        Assert.That(tap.Reader.Completion.IsCompleted, Is.True);
        OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That((c.ForwardedPackets, c.ErrorDropPackets, c.ForwardedBytes), Is.EqualTo(((long)Count, 0L, Count * 46L)));
        Assert.That(tap.FreeBatches, Is.EqualTo(tap.Capacity), "every batch came back to the pool");
    }

    [Test]
    public async Task A_slow_reader_of_a_live_capture_costs_counted_drops_and_never_holds_the_capture_up()
    {
        const int Count = 50_000;
        var tap = new PacketChannelOutput(capacity: 2);
        FakeSource source = LiveSource(Count);
        await using CpworkerEngine engine = CpworkerEngine.Create(LiveConfig(source), new CpworkerEngineOptions().AddOutput("tap", tap));
        engine.Start();

        // Nobody reads yet: the capture must still get through every packet, dropping what finds no batch.
        Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs[0].Counters.HandedPackets == Count, 30_000), Is.True,
            $"the capture went on without the reader (handed {engine.GetStatus()[0].Outputs[0].Counters.HandedPackets}, source delivered {source.Delivered})");

        long read = 0;
        int previous = -1;
        bool ordered = true;
        var drain = new List<OwnedPacketBatch>();
        while (tap.Reader.TryRead(out OwnedPacketBatch? batch))
        {
            drain.Add(batch);
        }

        foreach (OwnedPacketBatch batch in drain)
        {
            using (batch)
            {
                foreach (Packet p in batch)
                {
                    int seq = BinaryPrimitives.ReadInt32LittleEndian(p.Frame[42..]);
                    ordered &= seq > previous;
                    previous = seq;
                    read++;
                }
            }
        }

        await engine.StopAsync();
        await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync())
        {
            using (batch)
            {
                read += batch.Count;
            }
        }

        OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That(c.ErrorDropPackets, Is.GreaterThan(0), "a reader that does not keep up costs packets");
        Assert.That(MetricsOf(engine), Is.EqualTo((c.ForwardedPackets, c.ErrorDropPackets)), "the drops are in the metrics, as error drops of tap-0");
        Assert.That(read, Is.EqualTo(c.ForwardedPackets), "forwarded is exactly what the reader got");
        Assert.That(c.ForwardedPackets + c.ErrorDropPackets, Is.EqualTo(Count), "received = delivered + dropped");
        Assert.That(ordered, Is.True, "what arrives keeps its order");
        Assert.That(tap.FreeBatches, Is.EqualTo(tap.Capacity));
    }

    /// <summary>The output's forwarded and error-drop packets as <see cref="CpworkerMetrics"/> publishes them.</summary>
    private static (long Forwarded, long ErrorDrop) MetricsOf(CpworkerEngine engine)
    {
        using var metrics = new CpworkerMetrics(engine);
        var values = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name == "cpworker.output.packets")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? output = null;
            string? outcome = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                output = tag.Key == "output" ? tag.Value?.ToString() : output;
                outcome = tag.Key == "outcome" ? tag.Value?.ToString() : outcome;
            }

            if (output == "tap-0" && outcome is not null)
            {
                values[outcome] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return (values.GetValueOrDefault("forwarded", -1), values.GetValueOrDefault("error_drop", -1));
    }

    [Test]
    public async Task A_cancelled_reader_ends_its_await_foreach_and_the_engine_still_stops_with_everything_counted()
    {
        const int Count = 20_000;
        var tap = new PacketChannelOutput(capacity: 4);
        FakeSource source = LiveSource(Count, paceMs: 2); // traffic still arrives after the reader has gone
        await using CpworkerEngine engine = CpworkerEngine.Create(LiveConfig(source), new CpworkerEngineOptions().AddOutput("tap", tap));
        using var cancel = new CancellationTokenSource();
        engine.Start();

        long read = 0;
        Task reading = Task.Run(async () =>
        {
            await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync(cancel.Token))
            {
                using (batch)
                {
                    read += batch.Count;
                }

                await cancel.CancelAsync(); // after the first batch
            }
        });

        Assert.That(async () => await reading, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(read, Is.GreaterThan(0));
        Assert.That(Run.Until(() => engine.GetStatus()[0].Outputs[0].Counters.HandedPackets == Count, 30_000), Is.True, "the capture goes on without a reader");

        var clock = Stopwatch.StartNew();
        await engine.StopAsync();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(tap.Reader.Completion.IsCompleted, Is.False, "batches written before the stop are still there to read");
        await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync())
        {
            using (batch)
            {
                read += batch.Count;
            }
        }

        OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That(read, Is.EqualTo(c.ForwardedPackets));
        Assert.That(c.ForwardedPackets + c.ErrorDropPackets, Is.EqualTo(Count));
        Assert.That(tap.Reader.Completion.IsCompleted, Is.True);
    }

    [Test]
    public async Task A_task_that_fails_and_is_retried_keeps_writing_to_the_same_channel()
    {
        var tap = new PacketChannelOutput(capacity: 8);
        int starts = 0;
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks =
            [
                new TaskConfig
                {
                    // First start: 3000 packets, then the "interface" goes away; the retry delivers 100000 on.
                    Capturer = new CustomCaptureConfig(() => Interlocked.Increment(ref starts) == 1
                        ? new FakeSource(Enumerable.Range(0, 5000).Select(i => (Frame(i), TimestampOf(i))).ToList(), lossless: false) { FailAfter = 3000 }
                        : LiveSource(5000, paceMs: 1, first: 100_000)),
                    Outputs = [new OutputConfig { Type = "tap", Settings = new CustomOutputSettings() }],
                },
            ],
        };
        var options = new CpworkerEngineOptions { RetryInterval = TimeSpan.FromMilliseconds(100) }.AddOutput("tap", tap);
        await using CpworkerEngine engine = CpworkerEngine.Create(config, options);
        engine.Start();

        long firstRun = 0;
        long secondRun = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync(timeout.Token))
        {
            using (batch)
            {
                foreach (Packet p in batch)
                {
                    if (BinaryPrimitives.ReadInt32LittleEndian(p.Frame[42..]) >= 100_000)
                    {
                        secondRun++;
                    }
                    else
                    {
                        firstRun++;
                    }
                }
            }

            if (secondRun > 0)
            {
                break;
            }
        }

        Assert.That(starts, Is.GreaterThanOrEqualTo(2), "the task failed and was started again");
        Assert.That(firstRun, Is.GreaterThan(0));
        Assert.That(secondRun, Is.GreaterThan(0), "the retried task's packets come through the same reader");
        Assert.That(tap.Reader.Completion.IsCompleted, Is.False, "a failure does not complete the channel");
        await engine.StopAsync();
        while (tap.Reader.TryRead(out OwnedPacketBatch? rest))
        {
            rest.Dispose();
        }

        Assert.That(tap.Reader.Completion.IsCompleted, Is.True, "the engine's stop does");
    }

    [Test]
    public async Task A_replay_whose_reader_stopped_reading_waits_but_still_stops_within_the_budget_counting_the_rest()
    {
        const int Count = 30_000;
        var tap = new PacketChannelOutput(capacity: 2);
        await using CpworkerEngine engine = CpworkerEngine.FromJson(ReplayJson(Count), new CpworkerEngineOptions().AddOutput("tap", tap));
        engine.Start();

        // Nobody reads: the replay fills both batches and then waits instead of dropping.
        Assert.That(Run.Until(() => tap.FreeBatches == 0 && engine.GetStatus()[0].Outputs[0].Counters.ForwardedPackets > 0, 30_000), Is.True);
        long before = engine.GetStatus()[0].Outputs[0].Counters.HandedPackets;
        Assert.That(engine.ReplaysFinished.Wait(300), Is.False, "the replay waits for its reader");
        Assert.That(engine.GetStatus()[0].Outputs[0].Counters.ErrorDropPackets, Is.Zero, "a replay does not drop while it runs");
        Assert.That(before, Is.LessThan(Count));

        var clock = Stopwatch.StartNew();
        await engine.StopAsync();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "a reader that never comes back does not hang the stop");

        long read = 0;
        await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync())
        {
            using (batch)
            {
                read += batch.Count;
            }
        }

        OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
        Assert.That(read, Is.EqualTo(c.ForwardedPackets));
        Assert.That(c.ForwardedPackets + c.ErrorDropPackets + c.DirectionDropPackets, Is.EqualTo(c.HandedPackets));
    }
}

/// <summary>The packet-thread half of <see cref="PacketChannelOutput"/> allocates nothing per packet, and every batch it rents comes back.</summary>
public sealed class ChannelOutputAllocationTests
{
    [Test]
    public void Copying_packets_into_channel_batches_allocates_nothing_and_returns_every_batch()
    {
        var tap = new PacketChannelOutput(capacity: 4);
        var counters = new OutputCounters();
        var config = new OutputConfig { Type = "tap", Settings = new CustomOutputSettings() };
        var context = new OutputContext
        {
            TaskName = "t",
            Config = config,
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            Time = TimeProvider.System,
            Counters = counters,
            CaptureSnaplen = 65535,
        };
        OutputParts parts = new ChannelOutputType("tap", tap).Create(config.Settings!, context);
        parts.Encoder.Attach(new NoLane());
        var stage = new OutputStage(context, parts);

        var batch = new PacketBatch(256 * 1024, 1024);
        var random = new Random(1);
        while (batch.TryAppend(new byte[random.Next(60, 1500)], 1500, 1_700_000_000_000_000_000 + batch.Count) && !batch.IsFull)
        {
        }

        long read = 0;
        void Round()
        {
            stage.Process(batch);
            while (tap.Reader.TryRead(out OwnedPacketBatch? b))
            {
                using (b)
                {
                    foreach (Packet p in b)
                    {
                        read += p.Frame.Length > 0 ? 1 : 0;
                    }
                }
            }
        }

        for (int i = 0; i < 50; i++)
        {
            Round();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 400; i++)
        {
            Round();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long packets = 450L * batch.Count;
        Assert.That(read, Is.EqualTo(packets));
        Assert.That(allocated, Is.LessThan(1024), $"{allocated} bytes for {400L * batch.Count} packets");
        Assert.That(counters.Sender.ForwardedPackets, Is.EqualTo(packets));
        stage.Flush();
        Assert.That(tap.FreeBatches, Is.EqualTo(tap.Capacity), "every batch came back");
    }

    /// <summary>The channel's encoder never uses its lane.</summary>
    private sealed class NoLane : ISendLane
    {
        public SendBuffer? TryRent() => throw new InvalidOperationException("the channel output rents no send buffer");

        public void Submit(SendBuffer buffer) => throw new InvalidOperationException();

        public void Return(SendBuffer buffer) => throw new InvalidOperationException();
    }
}
