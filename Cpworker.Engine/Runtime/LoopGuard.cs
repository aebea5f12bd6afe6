using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Runtime;

/// <summary>
/// The loop guard (behaviour §5): one BPF expression matching the traffic of every network output
/// of every task, so that no task captures what any task sends.
/// </summary>
internal static class LoopGuard
{
    /// <summary>
    /// The expression for <paramref name="config"/>: the outputs' filters joined with <c>or</c>;
    /// null when no output sends on the network.
    /// </summary>
    public static string? Build(CpworkerConfig config, OutputTypeRegistry registry)
    {
        var parts = new List<string>();
        foreach (TaskConfig task in config.Tasks)
        {
            foreach (OutputConfig output in task.Outputs)
            {
                if (!registry.TryGet(output.Type, out OutputType? type))
                {
                    continue;
                }

                foreach (string filter in type.LoopGuardFilters(output.Settings))
                {
                    string f = $"({filter})";
                    if (!parts.Contains(f))
                    {
                        parts.Add(f);
                    }
                }
            }
        }

        return parts.Count == 0 ? null : string.Join(" or ", parts);
    }

    /// <summary>The guard a task runs with: none for replays and for tasks with <c>not_filter_output_hosts</c>.</summary>
    public static string? ForTask(TaskConfig task, string? guard) =>
        task.Capturer is LibpcapCaptureConfig { NotFilterOutputHosts: false } ? guard : null;
}
