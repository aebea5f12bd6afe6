using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Threading;

namespace Cpworker.Engine.Loading;

/// <summary>
/// Checks a loaded configuration against this host (<c>cpworker validate --host</c>, and at
/// start): CPUs exist, interfaces exist inside their netns, netns paths open, BPF filters compile,
/// replay files are readable, output hosts resolve, directories are writable, the control socket's
/// directory is usable. Every problem is reported with its JSON path; nothing is changed.
/// </summary>
/// <remarks>
/// Interfaces and <c>nic.IFNAME</c> references of a task with <c>netns</c> are looked up inside that
/// namespace on a dedicated thread (<see cref="NetworkNamespace.Run{T}(NetnsReference, Func{T})"/>); everything else is
/// checked in the caller's namespace, where the outputs live.
/// </remarks>
internal static class ConfigHostChecker
{
    private const string OnlineCpusFile = "/sys/devices/system/cpu/online";

    /// <summary>Runs every host check of <paramref name="config"/> and reports problems to <paramref name="diagnostics"/>.</summary>
    public static void Check(CpworkerConfig config, OutputTypeRegistry outputTypes, ConfigDiagnostics diagnostics)
    {
        CheckCpus(config.CpuAffinity, diagnostics);
        CheckMemory(config, diagnostics);
        string? loopGuard = LoopGuardFilter.Build(config.Tasks, outputTypes);
        foreach (TaskConfig task in config.Tasks)
        {
            string taskPath = $"tasks[{task.Index}]";
            SourceType source = SourceTypes.For(task.Capturer);
            source.CheckHost(task.Capturer, new SourceHostCheck
            {
                Path = $"{taskPath}.capturer.{source.Name}",
                Diagnostics = diagnostics,
                LoopGuard = LoopGuardFilter.ForTask(task, loopGuard),
                CheckDirection = captureInterface => CheckDirection(task, captureInterface, diagnostics),
            });

            foreach (OutputConfig output in task.Outputs)
            {
                if (outputTypes.TryGet(output.Type, out OutputType? type))
                {
                    type.CheckHost(output.Settings, $"{taskPath}.outputs[{output.Index}].{output.Type}", diagnostics);
                }
            }
        }

        if (config.ControlSocketPath is string socket)
        {
            string? directory = Path.GetDirectoryName(Path.GetFullPath(socket));
            if (directory is not null)
            {
                HostChecks.DirectoryWritable(directory, "control.unix.path", diagnostics, mayCreate: true);
            }

            // The daemon replaces only a stale socket; anything else there stops its start.
            if (ReplayFile.NotRegular(socket) is { } kind ? kind != "a socket" : File.Exists(socket))
            {
                diagnostics.Error("control.unix.path", $"{socket} exists and is {ReplayFile.NotRegular(socket) ?? "a regular file"}, not a socket: the daemon does not replace it");
            }
        }
    }

    /// <summary>
    /// Reports at <c>tasks</c> (process-wide: fatal at start and reload) when the capture buffers of
    /// the live tasks and the pipeline buffers together ask for more than this machine's memory.
    /// </summary>
    private static void CheckMemory(CpworkerConfig config, ConfigDiagnostics diagnostics)
    {
        long capture = config.Tasks.Sum(t => SourceTypes.For(t.Capturer).CaptureBufferMb(t.Capturer));
        long pipeline = config.ExecutionModel == ExecutionModel.Pipeline ? (long)config.Tasks.Count * (config.PipelineBufferSizeMb ?? 0) : 0;
        long? memory = MachineMemoryMb();
        if (memory is long total && capture + pipeline > total)
        {
            diagnostics.Error("tasks", $"the tasks ask for {capture + pipeline} MiB of buffers ({capture} MiB of capture buffers, {pipeline} MiB of pipeline buffers), more than this machine's {total} MiB of memory");
        }
    }

    /// <summary>MemTotal of /proc/meminfo in MiB; null when unreadable.</summary>
    internal static long? MachineMemoryMb()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal) &&
                    long.TryParse(line[9..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out long kb))
                {
                    return kb / 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>The CPUs of this machine that are online; what the thread may use when sysfs is unreadable.</summary>
    public static IReadOnlyList<int> OnlineCpus()
    {
        try
        {
            List<int>? online = CpuList.Parse(File.ReadAllText(OnlineCpusFile).Trim(), out _);
            if (online is not null)
            {
                return online;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Fall through: no sysfs (a container without it); the affinity mask is the next best answer.
        }

        return ThreadAffinity.CurrentThreadCpus();
    }

    private static void CheckCpus(IReadOnlyList<int>? cpus, ConfigDiagnostics diagnostics)
    {
        if (cpus is null)
        {
            return;
        }

        var online = new HashSet<int>(OnlineCpus());
        List<int> missing = cpus.Where(c => !online.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            diagnostics.Error("cpu_affinity", $"CPU {string.Join(", ", missing)} {(missing.Count == 1 ? "does" : "do")} not exist on this host (online: {string.Join(",", online.Order())})");
        }
    }

    /// <summary>Builds the task's direction classifier once, so that a missing interface (its MAC, <c>nic.IFNAME</c>) shows now.</summary>
    private static void CheckDirection(TaskConfig task, string? captureInterface, ConfigDiagnostics diagnostics)
    {
        if (task.ReqPattern is null)
        {
            return;
        }

        try
        {
            DirectionClassifierFactory.Create(task.ReqPattern, captureInterface, InterfaceResolver.Find);
        }
        catch (DirectionPatternException ex)
        {
            string path = task.ReqPattern is CustomDirectionConfig ? $"tasks[{task.Index}].req_pattern.custom.pattern" : $"tasks[{task.Index}].req_pattern";
            diagnostics.Error(path, ex.Message);
        }
    }
}
