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

    /// <summary>Kernel counters of earlier incarnations of the task (a new handle starts from zero).</summary>
    private readonly long _kernelDropsBefore;

    /// <summary>Interface drops of earlier incarnations.</summary>
    private readonly long _interfaceDropsBefore;

    /// <summary>
    /// Turns a loop guard into the complete capture filter (the user's <c>bpf</c>, <c>nic.</c> names
    /// resolved in the task's netns, and the guard); runs on the capture thread.
    /// </summary>
    private readonly Func<PacketSource, string?, string?> _composeFilter;

    /// <summary>Creates a graph; nothing is opened until <see cref="Open"/>.</summary>
    public TaskGraph(
        TaskConfig config,
        PacketSource source,
        Func<PacketSource, ClassifyStage?> createClassifier,
        IReadOnlyList<OutputStage> outputs,
        CaptureCounters captureCounters,
        ILogger logger,
        TimeProvider time,
        Func<PacketSource, string?, string?>? composeFilter = null)
    {
        _composeFilter = composeFilter ?? ((_, guard) => guard);
        CaptureCounters = captureCounters;
        _kernelDropsBefore = captureCounters.KernelDrops;
        _interfaceDropsBefore = captureCounters.InterfaceDrops;
        Config = config;
        Source = source;
        _createClassifier = createClassifier;
        Outputs = [.. outputs];
        Logger = logger;
        Time = time;
    }

    /// <summary>The task's configuration.</summary>
    public TaskConfig Config { get; }

    /// <summary>Where packets come from; owned by the capture thread.</summary>
    public PacketSource Source { get; }

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

    /// <summary>Opens the source and builds the classifier. Runs on the capture thread.</summary>
    public void Open()
    {
        Source.Open();
        Classify = _createClassifier(Source);
        int perFrame = Source.MaxFrameLength + 16;
        BatchBytes = (int)Math.Max(MinBatchBytes, BitOperations.RoundUpToPowerOf2((uint)(2 * perFrame)));
    }

    /// <summary>Raises <see cref="EndOfInput"/>.</summary>
    public void OnEndOfInput() => EndOfInput?.Invoke();

    /// <summary>Counts a filled batch as captured.</summary>
    public void CountCaptured(Packets.PacketBatch batch)
    {
        CaptureCounters.Packets += batch.Count;
        long bytes = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            bytes += batch[i].CaptureLength;
        }

        CaptureCounters.Bytes += bytes;
    }

    /// <summary>Copies the source's kernel drop counters into the capture counters.</summary>
    public void PollKernelStats()
    {
        try
        {
            KernelCaptureStats s = Source.ReadKernelStats();
            CaptureCounters.KernelDrops = _kernelDropsBefore + s.Dropped;
            CaptureCounters.InterfaceDrops = _interfaceDropsBefore + s.InterfaceDropped;
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
    public void ApplyLoopGuard(string? loopGuard)
    {
        try
        {
            string? filter = _composeFilter(Source, loopGuard);
            Source.SetFilter(filter);
            SchedulingLog.FilterUpdated(Logger, Config.Name, filter ?? "none");
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
        Source.Dispose();
        foreach (OutputStage o in Outputs)
        {
            o.Parts.Transport.Dispose();
        }
    }
}
