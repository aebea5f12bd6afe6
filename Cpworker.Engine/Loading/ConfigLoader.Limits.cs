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

    /// <summary>
    /// Default of <c>max_packet_threads</c>: the most packet threads a configuration may need (rtc: one per
    /// capture thread; pipeline: capture threads, encapsulation and one per output). Measured on two cores,
    /// this many keep the control socket answering and SIGTERM within its 3 s while they all start
    /// (docs/configuration.md, "Limits").
    /// </summary>
    public const int DefaultMaxPacketThreads = 1024;

    /// <summary>Largest <c>max_packet_threads</c>.</summary>
    public const int MaxMaxPacketThreads = 65_536;

    /// <summary>Largest configuration file.</summary>
    public const long MaxConfigBytes = 16 << 20;

    /// <summary><c>max_tasks</c>, or its default.</summary>
    private static int ReadMaxTasks(ConfigObject root) => (int)(root.Integer("max_tasks", 1, MaxMaxTasks) ?? DefaultMaxTasks);

    /// <summary><c>max_packet_threads</c>, or its default.</summary>
    private static int ReadMaxPacketThreads(ConfigObject root) => (int)(root.Integer("max_packet_threads", 1, MaxMaxPacketThreads) ?? DefaultMaxPacketThreads);

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

    /// <summary>Reports at <c>tasks</c> when the configuration would run more than <paramref name="maxThreads"/> packet threads.</summary>
    private static void CheckThreads(ConfigObject root, ExecutionModel? model, IReadOnlyList<TaskConfig> tasks, int maxThreads)
    {
        bool pipeline = model == ExecutionModel.Pipeline;
        long threads = tasks.Sum(t => CaptureThreads(t) + (pipeline ? 1L + t.Outputs.Count : 0L));
        if (threads > maxThreads)
        {
            string rule = pipeline ? "pipeline: each capture thread, 1 per task and 1 per output" : "rtc: each capture thread";
            root.Error("tasks", $"would run {threads} packet threads ({rule}), more than max_packet_threads ({maxThreads}); raise the top-level \"max_packet_threads\" (at most {MaxMaxPacketThreads}) on a machine with the cores for them");
        }
    }

    /// <summary>A task's capture threads: <c>libpcap.threads</c> (fanout), one for any other source.</summary>
    private static long CaptureThreads(TaskConfig task) => task.Capturer is LibpcapCaptureConfig live ? Math.Max(1, live.Threads) : 1;
}
