using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Engine;

/// <summary>
/// A <c>req_pattern</c> that cannot be used fails its task with its own error (a
/// DirectionPatternException, not a capture error): the status says what is wrong in the pattern's
/// words, and a missing interface is retried like any transient failure.
/// </summary>
[CancelAfter(60_000)]
public class DirectionFailureTests
{
    [TestCase(ExecutionModel.Rtc)]
    [TestCase(ExecutionModel.Pipeline)]
    public async Task A_pattern_naming_a_missing_interface_fails_the_task_with_the_patterns_message_and_is_retried(ExecutionModel model)
    {
        int attempts = 0;
        var config = new CpworkerConfig
        {
            ExecutionModel = model,
            PipelineBufferSizeMb = 4,
            Tasks = [new TaskConfig
            {
                Name = "pattern",
                ReqPattern = new CustomDirectionConfig("host nic.cpwnone0"),
                Capturer = new CustomCaptureConfig(() =>
                {
                    Interlocked.Increment(ref attempts);
                    return new FakeSource(SchedulerHarness.Frames(10), lossless: false);
                }),
                Outputs = [new OutputConfig { Index = 0, Type = RecordingOutputType.TypeName, Settings = new RecordingSettings(new RecordingSink()) }],
            }],
        };
        await using var engine = new CpworkerEngine(config, new OutputTypeRegistry().Add(new RecordingOutputType()), new ListLogger().Factory, retryInterval: TimeSpan.FromMilliseconds(50));
        engine.Start();

        Assert.That(Run.Until(() => Volatile.Read(ref attempts) >= 2, 20_000), Is.True, "retried: the interface may still appear");
        TaskSnapshot status = engine.GetStatus()[0];
        Assert.That(status.Error, Is.EqualTo("req_pattern: interface \"cpwnone0\" (nic.cpwnone0) not found"));
        Assert.That(status.Capture.Packets, Is.Zero, "nothing is captured without a direction program");
    }
}
