using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using System.Numerics;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// The stages of one task, independent of the threads that run them:
/// source → classify → one <see cref="OutputStage"/> per output → each output's transport.
/// </summary>
internal sealed class TaskGraph : IDisposable
{
    /// <summary>Smallest data block of a batch.</summary>
    public const int MinBatchBytes = 256 * 1024;

    /// <summary>Most packets in one batch.</summary>
    public const int MaxPacketsPerBatch = 1024;

    /// <summary>Builds the classify stage once the source is open (it needs the interface's addresses in its netns).</summary>
    private readonly Func<PacketSource, ClassifyStage?> _createClassifier;

    /// <summary>Kernel counters of earlier incarnations of the task, per capture thread (a new handle starts from zero).</summary>
    private readonly long[] _kernelDropsBefore;

    /// <summary>Interface drops of earlier incarnations, per capture thread.</summary>
    private readonly long[] _interfaceDropsBefore;

    /// <summary>
    /// Turns a loop guard into the complete capture filter (the user's <c>bpf</c>, <c>nic.</c> names
    /// resolved in the task's netns, and the guard); runs on the capture thread.
    /// </summary>
    private readonly Func<PacketSource, string?, string?> _composeFilter;

    /// <summary>Creates a graph with one capture thread; nothing is opened until <see cref="Open"/>.</summary>
    public TaskGraph(
        TaskConfig config,
        PacketSource source,
        Func<PacketSource, ClassifyStage?> createClassifier,
        IReadOnlyList<OutputStage> outputs,
        CaptureCounters captureCounters,
        ILogger logger,
        TimeProvider time,
        Func<PacketSource, string?, string?>? composeFilter = null)
        : this(config, [source], createClassifier, outputs, captureCounters, logger, time, composeFilter)
    {
    }

    /// <summary>
    /// Creates a graph whose <paramref name="sources"/> are read by one capture thread each (fanout
    /// members on one interface: they share the classifier and every output). Nothing is opened
    /// until <see cref="Open"/>.
    /// </summary>
    public TaskGraph(
        TaskConfig config,
        PacketSource[] sources,
        Func<PacketSource, ClassifyStage?> createClassifier,
        IReadOnlyList<OutputStage> outputs,
        CaptureCounters captureCounters,
        ILogger logger,
        TimeProvider time,
        Func<PacketSource, string?, string?>? composeFilter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sources.Length, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(captureCounters.ThreadCount, sources.Length);
        _composeFilter = composeFilter ?? ((_, guard) => guard);
        CaptureCounters = captureCounters;
        _kernelDropsBefore = new long[sources.Length];
        _interfaceDropsBefore = new long[sources.Length];
        for (int i = 0; i < sources.Length; i++)
        {
            _kernelDropsBefore[i] = captureCounters[i].KernelDrops;
            _interfaceDropsBefore[i] = captureCounters[i].InterfaceDrops;
        }

        Config = config;
        Sources = sources;
        _createClassifier = createClassifier;
        Outputs = [.. outputs];
        Logger = logger;
        Time = time;
    }

    /// <summary>The task's configuration.</summary>
    public TaskConfig Config { get; }

    /// <summary>Where packets come from: the first capture thread's source.</summary>
    public PacketSource Source => Sources[0];

    /// <summary>One source per capture thread, each owned by its thread once the task runs.</summary>
    public PacketSource[] Sources { get; }

    /// <summary>Number of capture threads.</summary>
    public int CaptureThreads => Sources.Length;

    /// <summary>Sets directions; null when the task has no <c>req_pattern</c>.</summary>
    public ClassifyStage? Classify { get; private set; }

    /// <summary>One stage per output, in config order.</summary>
    /// <remarks>An array: the packet threads walk it for every batch, and <c>foreach</c> over an interface would allocate an enumerator each time.</remarks>
    public OutputStage[] Outputs { get; }

    /// <summary>Capture counters, written by the capture thread; they outlive the graph when the task restarts.</summary>
    public CaptureCounters CaptureCounters { get; }

    /// <summary>The task's logger.</summary>
    public ILogger Logger { get; }

    /// <summary>Clock for ticks and outputs.</summary>
    public TimeProvider Time { get; }

    /// <summary>Data bytes per batch; valid after <see cref="Open"/>.</summary>
    public int BatchBytes { get; private set; }

    /// <summary>True when the source is a replay: congestion waits instead of dropping.</summary>
    public bool IsLossless => Source.IsLossless;

    /// <summary>Raised once, on the capture thread, when a replay has delivered its last packet.</summary>
    public event Action? EndOfInput;

    /// <summary>
    /// Opens every source, builds the classifier, then lets the sources deliver (fanout members
    /// deliver only once all of them are in the group). Runs on the first capture thread, before
    /// the others start. The sources already opened are disposed with the graph when one fails.
    /// </summary>
    public void Open()
    {
        int maxFrame = 0;
        foreach (PacketSource s in Sources)
        {
            s.Open();
            maxFrame = Math.Max(maxFrame, s.MaxFrameLength);
        }

        Classify = _createClassifier(Source);
        int perFrame = maxFrame + 16;
        BatchBytes = (int)Math.Max(MinBatchBytes, BitOperations.RoundUpToPowerOf2((uint)(2 * perFrame)));
        foreach (PacketSource s in Sources)
        {
            s.BeginDelivery();
        }
    }

    /// <summary>Raises <see cref="EndOfInput"/>.</summary>
    public void OnEndOfInput() => EndOfInput?.Invoke();

    /// <summary>Counts a batch filled by capture thread <paramref name="thread"/> as captured; on that thread.</summary>
    public void CountCaptured(Packets.PacketBatch batch, int thread = 0)
    {
        CaptureThreadCounters counters = CaptureCounters[thread];
        counters.Packets += batch.Count;
        long bytes = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            bytes += batch[i].CaptureLength;
        }

        counters.Bytes += bytes;
    }

    /// <summary>Copies the kernel drop counters of capture thread <paramref name="thread"/>'s source into its counters; on that thread.</summary>
    public void PollKernelStats(int thread = 0)
    {
        try
        {
            KernelCaptureStats s = Sources[thread].ReadKernelStats();
            CaptureThreadCounters counters = CaptureCounters[thread];
            counters.KernelDrops = _kernelDropsBefore[thread] + s.Dropped;
            counters.InterfaceDrops = _interfaceDropsBefore[thread] + s.InterfaceDropped;
        }
        catch (Exception ex)
        {
            SchedulingLog.CaptureStatsFailed(Logger, ex, Config.Name);
        }
    }

    /// <summary>
    /// Capture thread: installs the filter for a new loop guard on the open source. When it cannot
    /// (a <c>nic.</c> interface lost its address, the filter does not compile) the old filter stays
    /// and the problem is logged: the task keeps capturing.
    /// </summary>
    public void ApplyLoopGuard(string? loopGuard, int thread = 0)
    {
        try
        {
            string? filter = _composeFilter(Sources[thread], loopGuard);
            Sources[thread].SetFilter(filter);
            if (thread == 0)
            {
                SchedulingLog.FilterUpdated(Logger, Config.Name, filter ?? "none");
            }
        }
        catch (Exception ex)
        {
            SchedulingLog.LoopGuardKept(Logger, Config.Name, ex.Message);
        }
    }

    /// <summary>Disposes the graph once <paramref name="threadsDone"/> completes (threads that overran a stop).</summary>
    public void DisposeWhenDone(Task threadsDone) =>
        threadsDone.ContinueWith(static (_, graph) => ((TaskGraph)graph!).Dispose(), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Closes the source and every transport.</summary>
    public void Dispose()
    {
        foreach (PacketSource s in Sources)
        {
            s.Dispose();
        }

        foreach (OutputStage o in Outputs)
        {
            o.Parts.Transport.Dispose();
        }
    }
}
