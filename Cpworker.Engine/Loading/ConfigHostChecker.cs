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
            switch (task.Capturer)
            {
                case LibpcapCaptureConfig live:
                    CheckLive(task, live, LoopGuardFilter.ForTask(task, loopGuard), diagnostics);
                    break;
                case PcapFileCaptureConfig file:
                    CheckReplay(task, file, LoopGuardFilter.ForTask(task, loopGuard), diagnostics);
                    break;
            }

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
        }
    }

    /// <summary>
    /// Reports an error unless <paramref name="file"/> can be replayed: it exists, is a regular file
    /// (a FIFO is never opened: that would block), opens, and starts with a pcap or pcapng header of
    /// a supported link type (the checks of the replay itself, docs/configuration.md).
    /// </summary>
    private static void ReplayReadable(string file, string path, ConfigDiagnostics diagnostics)
    {
        if (!File.Exists(file) && !Directory.Exists(file) && ReplayFile.NotRegular(file) is null)
        {
            diagnostics.Error(path, $"file {file} does not exist");
            return;
        }

        if (ReplayFile.Check(file) is { } problem)
        {
            diagnostics.Error(path, problem);
        }
    }

    /// <summary>
    /// Reports at <c>tasks</c> (process-wide: fatal at start and reload) when the capture buffers of
    /// the live tasks and the pipeline buffers together ask for more than this machine's memory.
    /// </summary>
    private static void CheckMemory(CpworkerConfig config, ConfigDiagnostics diagnostics)
    {
        long capture = config.Tasks.Sum(t => t.Capturer is LibpcapCaptureConfig live ? (long)live.BufferSizeMb : 0);
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

    private static void CheckLive(TaskConfig task, LibpcapCaptureConfig live, string? loopGuard, ConfigDiagnostics diagnostics)
    {
        string path = $"tasks[{task.Index}].capturer.libpcap";
        string where = live.NetnsReference is null ? "on this host" : $"in netns {live.NetnsReference}";
        string? filter = null;
        bool filterComposed = true;
        try
        {
            // Everything that names an interface is resolved where the capture will run.
            NetworkNamespace.Run(live.NetnsReference, () =>
            {
                if (InterfaceResolver.Find(live.Interface) is null)
                {
                    diagnostics.Error($"{path}.interface", $"there is no network interface \"{live.Interface}\" {where}");
                }

                filterComposed = TryCompose(live.Bpf, loopGuard, $"{path}.bpf", diagnostics, out filter);
                CheckDirection(task, live.Interface, diagnostics);
                return 0;
            });
        }
        catch (CaptureException ex)
        {
            diagnostics.Error($"{path}.netns", ex.Message);
            return;
        }

        if (filterComposed)
        {
            CheckCompiles(filter, live.Snaplen, live.Bpf is null ? path : $"{path}.bpf", diagnostics);
        }
    }

    private static void CheckReplay(TaskConfig task, PcapFileCaptureConfig file, string? loopGuard, ConfigDiagnostics diagnostics)
    {
        string path = $"tasks[{task.Index}].capturer.pcap_file";
        ReplayReadable(file.FileName, $"{path}.file_name", diagnostics);
        if (TryCompose(file.Bpf, loopGuard, $"{path}.bpf", diagnostics, out string? filter))
        {
            CheckCompiles(filter, LibpcapCaptureConfig.MaxSnaplen, file.Bpf is null ? path : $"{path}.bpf", diagnostics);
        }

        CheckDirection(task, null, diagnostics);
    }

    private static bool TryCompose(string? bpf, string? loopGuard, string path, ConfigDiagnostics diagnostics, out string? filter)
    {
        filter = null;
        if (bpf is null && loopGuard is null)
        {
            return true;
        }

        try
        {
            filter = CaptureFilter.Compose(bpf, loopGuard, InterfaceResolver.Find);
            return true;
        }
        catch (CaptureException ex)
        {
            diagnostics.Error(path, ex.Message);
            return false;
        }
    }

    private static void CheckCompiles(string? filter, int snaplen, string path, ConfigDiagnostics diagnostics)
    {
        if (filter is null)
        {
            return;
        }

        string? problem = BpfCompiler.Check(filter, snaplen);
        if (problem is not null)
        {
            diagnostics.Error(path, $"the capture filter \"{filter}\" does not compile: {problem}");
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
        catch (CaptureException ex)
        {
            string path = task.ReqPattern is CustomDirectionConfig ? $"tasks[{task.Index}].req_pattern.custom.pattern" : $"tasks[{task.Index}].req_pattern";
            diagnostics.Error(path, ex.Message);
        }
    }
}
