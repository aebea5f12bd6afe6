using System.Text.Json;

using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Loading;

/// <summary>
/// What a configuration may ask for (docs/configuration.md, "Limits"): tasks, outputs per task,
/// threads and the size of the file, checked before the expensive parts are read, so that an
/// absurd configuration is refused in milliseconds and never reaches the engine.
/// </summary>
internal static partial class ConfigLoader
{
    /// <summary>Default of <c>max_tasks</c>.</summary>
    public const int DefaultMaxTasks = 1024;

    /// <summary>Largest <c>max_tasks</c>.</summary>
    public const int MaxMaxTasks = 65_536;

    /// <summary>Most outputs one task may have.</summary>
    public const int MaxOutputsPerTask = 64;

    /// <summary>Most packet threads a configuration may need (rtc: one per task; pipeline: capture, encapsulation and one per output).</summary>
    public const int MaxPacketThreads = 8192;

    /// <summary>Largest configuration file.</summary>
    public const long MaxConfigBytes = 16 << 20;

    /// <summary><c>max_tasks</c>, or its default.</summary>
    private static int ReadMaxTasks(ConfigObject root) => (int)(root.Integer("max_tasks", 1, MaxMaxTasks) ?? DefaultMaxTasks);

    /// <summary>False (reported at <c>tasks</c>) when there are more tasks than <paramref name="maxTasks"/>; they are then not read at all.</summary>
    private static bool TaskCountWithin(ConfigObject root, int maxTasks)
    {
        if (root.Raw("tasks") is JsonElement { ValueKind: JsonValueKind.Array } tasks && tasks.GetArrayLength() > maxTasks)
        {
            root.Error("tasks", $"{tasks.GetArrayLength()} tasks, more than max_tasks ({maxTasks}); raise the top-level \"max_tasks\" (at most {MaxMaxTasks}) if this many are intended");
            return false;
        }

        return true;
    }

    /// <summary>False (reported at <c>tasks[i].outputs</c>) when a task has more than <see cref="MaxOutputsPerTask"/> outputs; they are then not read.</summary>
    private static bool OutputCountWithin(ConfigObject task)
    {
        if (task.Raw("outputs") is JsonElement { ValueKind: JsonValueKind.Array } outputs && outputs.GetArrayLength() > MaxOutputsPerTask)
        {
            task.Error("outputs", $"{outputs.GetArrayLength()} outputs, more than {MaxOutputsPerTask} per task");
            return false;
        }

        return true;
    }

    /// <summary>Reports at <c>tasks</c> when the configuration would run more than <see cref="MaxPacketThreads"/> packet threads.</summary>
    private static void CheckThreads(ConfigObject root, ExecutionModel? model, IReadOnlyList<TaskConfig> tasks)
    {
        long threads = model == ExecutionModel.Pipeline ? tasks.Sum(t => 2L + t.Outputs.Count) : tasks.Count;
        if (threads > MaxPacketThreads)
        {
            root.Error("tasks", $"would run {threads} packet threads ({(model == ExecutionModel.Pipeline ? "pipeline: 2 per task and 1 per output" : "rtc: 1 per task")}), more than {MaxPacketThreads}");
        }
    }
}
