using System.Diagnostics;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Scheduling;

/// <summary>
/// Measures one run of a task, from the moment its packets start to flow until every output has
/// closed, and logs it once at DEBUG: wall time, process CPU time, bytes allocated by the process,
/// peak RSS, and the task's final counters (kernel and output drops). The benchmark harness reads
/// this line; operators get the task's totals at stop.
/// </summary>
/// <remarks>
/// <see cref="Start"/> and <see cref="Finish"/> are called once each, by the scheduler, off the
/// packet path. The CPU time and the allocations are the whole process's (every packet thread,
/// the JIT, the GC): what the run cost, not only what one thread did.
/// </remarks>
internal sealed class RunMeter
{
    private long _startTimestamp;
    private TimeSpan _startCpu;
    private long _startAllocated;
    private int _startGen0;
    private long _startPackets;
    private long _startBytes;

    /// <summary>Notes the start of the run.</summary>
    public void Start(CaptureCounters capture)
    {
        CaptureCounterSnapshot start = capture.Snapshot();
        _startPackets = start.Packets;
        _startBytes = start.Bytes;
        _startAllocated = GC.GetTotalAllocatedBytes(precise: true);
        _startGen0 = GC.CollectionCount(0);
        _startCpu = Environment.CpuUsage.TotalTime;
        _startTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>Logs the run's figures; a run that never started logs nothing.</summary>
    public void Finish(TaskGraph graph)
    {
        if (_startTimestamp == 0 || !graph.Logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        double seconds = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        double cpu = (Environment.CpuUsage.TotalTime - _startCpu).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _startAllocated;
        int gen0 = GC.CollectionCount(0) - _startGen0;
        CaptureCounterSnapshot capture = graph.CaptureCounters.Snapshot();
        long packets = capture.Packets - _startPackets;
        OutputCounterSnapshot outputs = default;
        foreach (OutputStage o in graph.Outputs)
        {
            outputs += o.Context.Counters.Snapshot();
        }

        long peakRss = PeakRssKilobytes();
        SchedulingLog.RunFinished(
            graph.Logger,
            graph.Config.Name, packets, capture.Bytes - _startBytes, seconds, cpu, allocated, gen0, peakRss,
            capture.KernelDrops, capture.InterfaceDrops, outputs.ForwardedPackets, outputs.DirectionDropPackets, outputs.RateLimitDropPackets, outputs.ErrorDropPackets);
        if (graph.CaptureThreads > 1)
        {
            CaptureCounterSnapshot[] threads = graph.CaptureCounters.ThreadSnapshots();
            for (int i = 0; i < threads.Length; i++)
            {
                SchedulingLog.CaptureThreadFinished(
                    graph.Logger,
                    graph.Config.Name, i, threads[i].Packets, threads[i].Bytes, threads[i].KernelDrops, threads[i].InterfaceDrops);
            }
        }
    }

    /// <summary>VmHWM of the process in kB; -1 when /proc cannot tell.</summary>
    internal static long PeakRssKilobytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return -1;
    }
}
