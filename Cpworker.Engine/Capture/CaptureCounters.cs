namespace Cpworker.Engine.Capture;

/// <summary>
/// A task's capture counters: one <see cref="CaptureThreadCounters"/> per capture thread, each
/// written by its thread only; the task's figures are their sum, read anywhere.
/// </summary>
internal sealed class CaptureCounters
{
    /// <summary>One set per capture thread, in thread order.</summary>
    private readonly CaptureThreadCounters[] _threads;

    /// <summary>Creates the counters of a task with <paramref name="threads"/> capture threads.</summary>
    public CaptureCounters(int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _threads = new CaptureThreadCounters[threads];
        for (int i = 0; i < threads; i++)
        {
            _threads[i] = new CaptureThreadCounters();
        }
    }

    /// <summary>Number of capture threads counted.</summary>
    public int ThreadCount => _threads.Length;

    /// <summary>The counters of capture thread <paramref name="thread"/>; written by that thread only.</summary>
    public CaptureThreadCounters this[int thread] => _threads[thread];

    /// <summary>The task's figures: the sum over its capture threads.</summary>
    public CaptureCounterSnapshot Snapshot()
    {
        CaptureCounterSnapshot sum = default;
        foreach (CaptureThreadCounters t in _threads)
        {
            sum += t.Snapshot();
        }

        return sum;
    }

    /// <summary>Each capture thread's figures, in thread order.</summary>
    public CaptureCounterSnapshot[] ThreadSnapshots()
    {
        var result = new CaptureCounterSnapshot[_threads.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = _threads[i].Snapshot();
        }

        return result;
    }
}
