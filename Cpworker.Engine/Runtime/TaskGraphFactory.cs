using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Loading;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Runtime;

/// <summary>Builds a task's stages from its configuration.</summary>
internal sealed class TaskGraphFactory
{
    private readonly OutputTypeRegistry _registry;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;

    /// <summary>Creates the factory.</summary>
    public TaskGraphFactory(OutputTypeRegistry registry, ILoggerFactory loggers, TimeProvider time)
    {
        _registry = registry;
        _loggers = loggers;
        _time = time;
    }

    /// <summary>The registry outputs are created from.</summary>
    public OutputTypeRegistry Registry => _registry;

    /// <summary>
    /// Creates the source and every output of <paramref name="task"/> (the source is opened later,
    /// on its capture thread). Counters are passed in so that they survive restarts. Throws with a
    /// message naming the output when one cannot be created; whatever was created is disposed.
    /// </summary>
    public TaskGraph Build(TaskConfig task, string? loopGuard, CaptureCounters captureCounters, IReadOnlyList<OutputCounters> outputCounters)
    {
        ILogger logger = _loggers.CreateLogger("cpworker");
        var stages = new List<OutputStage>();
        PacketSource? source = null;
        try
        {
            SourceType sourceType = SourceTypes.For(task.Capturer);
            int snaplen = sourceType.Snaplen(task.Capturer);
            bool replay = sourceType.IsReplay(task.Capturer);
            foreach (OutputConfig output in task.Outputs)
            {
                if (!_registry.TryGet(output.Type, out OutputType? type))
                {
                    throw new OutputStartException($"{task.Name}/{output.Name}: unknown output type \"{output.Type}\"");
                }

                var context = new OutputContext
                {
                    TaskName = task.Name,
                    Config = output,
                    Logger = logger,
                    Time = _time,
                    Counters = outputCounters[output.Index],
                    CaptureSnaplen = snaplen,
                    IsReplay = replay,
                };
                OutputParts parts;
                try
                {
                    parts = type.Create(output.Settings, context);
                }
                catch (Exception ex) when (ex is not OutputStartException)
                {
                    throw new OutputStartException($"{context.DisplayName}: {ex.Message}", ex);
                }

                stages.Add(new OutputStage(context, parts));
            }

            source = sourceType.Create(task.Capturer, new SourceContext
            {
                TaskName = task.Name,
                LoopGuard = LoopGuardFilter.ForTask(task, loopGuard),
                Logger = logger,
                Time = _time,
            });
            string? captureInterface = sourceType.CaptureInterface(task.Capturer);
            DirectionConfig? pattern = task.ReqPattern;
            string? bpf = task.Capturer.Bpf;
            return new TaskGraph(
                task,
                source,
                s => DirectionClassifierFactory.Create(pattern, captureInterface, s.ResolveInterface) is { } c ? new ClassifyStage(c) : null,
                stages,
                captureCounters,
                logger,
                _time,
                (s, guard) => CaptureFilter.Compose(bpf, guard, s.ResolveInterface));
        }
        catch
        {
            source?.Dispose();
            foreach (OutputStage s in stages)
            {
                s.Parts.Transport.Dispose();
            }

            throw;
        }
    }
}
