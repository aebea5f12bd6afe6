namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// The bisection of one subject: top speed first; if that loses packets, the midpoint between the
/// highest zero-loss rate and the lowest lossy rate, until the steps are spent or the bracket is
/// within 5 %. Rates are the offered rates measured, not the requested ones. With fixed rates
/// (<c>--live-rates</c>) it tries those instead, highest first, until one loses nothing.
/// </summary>
internal sealed class LiveRateSearch
{
    private readonly List<LiveTrial> _trials = new();
    private readonly Queue<long> _fixed;

    /// <summary>Highest offered rate without loss so far (0: none).</summary>
    private double _low;

    /// <summary>Lowest offered rate with loss so far.</summary>
    private double _high;

    /// <summary>True when fixed rates were given instead of a bisection.</summary>
    private readonly bool _fixedMode;

    private bool _done;
    private int _steps;

    /// <summary>Creates the search for <paramref name="subject"/>.</summary>
    public LiveRateSearch(LiveSubject subject, IReadOnlyList<int> fixedRates)
    {
        Subject = subject;
        _fixed = new Queue<long>(fixedRates.OrderDescending().Select(r => (long)r));
        _fixedMode = _fixed.Count > 0;
    }

    /// <summary>What is searched.</summary>
    public LiveSubject Subject { get; }

    /// <summary>Every trial, in order.</summary>
    public IReadOnlyList<LiveTrial> Trials => _trials;

    /// <summary>The zero-loss trial with the highest offered rate; null when none lost nothing.</summary>
    public LiveTrial? Best => _trials.Where(t => t.ZeroLoss).MaxBy(t => t.OfferedPps);

    /// <summary>The top-speed trial.</summary>
    public LiveTrial? Top => _trials.FirstOrDefault(t => t.RequestedPps == 0);

    /// <summary>True when the top speed itself lost nothing: the generator, not the subject, is the limit.</summary>
    public bool GeneratorLimited => Top?.ZeroLoss == true;

    /// <summary>The rate of the next trial, or null when the search is over.</summary>
    public long? NextRate(int maxSteps)
    {
        if (_done)
        {
            return null;
        }

        if (_trials.Count == 0)
        {
            return 0;
        }

        if (_fixedMode)
        {
            return _fixed.Count > 0 ? _fixed.Dequeue() : Finish();
        }

        if (_steps >= maxSteps || (_high - _low) / _high < 0.05)
        {
            return Finish();
        }

        _steps++;
        return (long)((_low + _high) / 2);
    }

    /// <summary>Takes a trial's outcome into the bracket.</summary>
    public void Record(LiveTrial t)
    {
        _trials.Add(t);
        if (t.Error is not null)
        {
            _done = true; // a broken subject is not searched further
        }
        else if (t.ZeroLoss)
        {
            _low = Math.Max(_low, t.OfferedPps);
            _done = t.RequestedPps == 0 || _fixedMode; // top speed held, or the highest fixed rate that holds is found
        }
        else
        {
            double rate = Math.Max(1, t.OfferedPps);
            _high = _high == 0 ? rate : Math.Min(_high, rate);
        }
    }

    private long? Finish()
    {
        _done = true;
        return null;
    }
}
