using System.Diagnostics.Metrics;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Engine;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Control;

/// <summary>The counters through System.Diagnostics.Metrics (meter <c>Cpworker</c>), as dotnet-counters reads them.</summary>
[CancelAfter(60_000)]
public class MetricsTests
{
    [Test]
    public async Task Observable_instruments_report_the_engine_counters_by_task_output_and_outcome()
    {
        List<(byte[] Frame, long TimestampNanos)> frames = SchedulerHarness.Frames(700, seed: 5);
        var config = new CpworkerConfig
        {
            Tasks =
            [
                ControlFixture.Task("m1", () => new FakeSource(frames), new RecordingSink(), replay: true),
                ControlFixture.Task("m2", () => new FakeSource(frames.Take(100).ToList()), new RecordingSink(), replay: true),
            ],
        };
        await using var engine = new CpworkerEngine(config, new OutputTypeRegistry().Add(new RecordingOutputType()), new ListLogger().Factory);
        using var metrics = new CpworkerMetrics(engine, "test");
        engine.Start();
        Assert.That(engine.ReplaysFinished.Wait(20_000), Is.True);
        Assert.That(Run.Until(() => engine.GetStatus().Sum(s => s.Outputs[0].Counters.HandedPackets) == 686 + 98, 10_000), Is.True);

        var seen = new List<(string Instrument, long Value, Dictionary<string, string?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == CpworkerMetrics.MeterName && ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = new Dictionary<string, string?>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                t[tag.Key] = tag.Value?.ToString();
            }

            seen.Add((instrument.Name, value, t));
        });
        listener.Start();
        listener.RecordObservableInstruments();

        long Value(string instrument, string task, string? outcome = null) => seen.Single(m =>
            m.Instrument == instrument && m.Tags["task"] == task && (outcome is null || m.Tags.GetValueOrDefault("outcome") == outcome)).Value;

        Assert.That(Value("cpworker.capture.packets", "m1"), Is.EqualTo(700));
        Assert.That(Value("cpworker.capture.packets", "m2"), Is.EqualTo(100));
        Assert.That(Value("cpworker.capture.bytes", "m1"), Is.EqualTo(frames.Sum(f => (long)f.Frame.Length)));
        Assert.That(Value("cpworker.output.packets", "m1", "forwarded"), Is.EqualTo(686), "700 minus 14 runts");
        Assert.That(Value("cpworker.output.packets", "m1", "error_drop"), Is.Zero);
        Assert.That(Value("cpworker.output.packets", "m2", "forwarded"), Is.EqualTo(98));
        Assert.That(Value("cpworker.task.running", "m1"), Is.EqualTo(1));
        Assert.That(seen.Where(m => m.Instrument == "cpworker.output.packets").All(m => m.Tags["output"] == "recording-0"), Is.True);
        Assert.That(seen.Where(m => m.Instrument == "cpworker.output.packets").Select(m => m.Tags["outcome"]).Distinct().Order(),
            Is.EqualTo(new[] { "direction_drop", "error_drop", "forwarded", "ratelimit_drop" }));
    }
}
