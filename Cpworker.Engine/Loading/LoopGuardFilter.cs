using Cpworker.Engine.Capture;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Loading;

/// <summary>
/// The loop guard (behaviour §5): one BPF expression matching the traffic every GRE, VXLAN and
/// ZMQ output of every task sends, so that no task captures what any task sends.
/// </summary>
internal static class LoopGuardFilter
{
    /// <summary>
    /// <c>(f1) or (f2) …</c> over the distinct <see cref="OutputType.LoopGuardFilters"/> of all
    /// outputs of <paramref name="tasks"/>; null when no output sends on the network.
    /// </summary>
    public static string? Build(IEnumerable<TaskConfig> tasks, OutputTypeRegistry outputTypes)
    {
        var filters = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (TaskConfig task in tasks)
        {
            foreach (OutputConfig output in task.Outputs)
            {
                if (!outputTypes.TryGet(output.Type, out OutputType? type))
                {
                    continue;
                }

                foreach (string filter in type.LoopGuardFilters(output.Settings))
                {
                    if (seen.Add(filter))
                    {
                        filters.Add(filter);
                    }
                }
            }
        }

        return filters.Count switch
        {
            0 => null,
            1 => filters[0],
            _ => string.Join(" or ", filters.Select(f => $"({f})")),
        };
    }

    /// <summary>
    /// The guard a task's capture runs with: the shared one for sources that could capture what
    /// outputs send (live captures), none for tasks with <c>not_filter_output_hosts</c> and none
    /// for replays (a file cannot recapture what we send); <see cref="SourceType.UsesLoopGuard"/> decides.
    /// </summary>
    public static string? ForTask(TaskConfig task, string? guard) =>
        SourceTypes.For(task.Capturer).UsesLoopGuard(task.Capturer) ? guard : null;
}
