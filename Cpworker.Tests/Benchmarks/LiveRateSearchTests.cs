using Cpworker.Benchmarks.Compare;

namespace Cpworker.Tests.Benchmarks;

/// <summary>The bisection of <c>compare --live</c>, against a subject whose true limit is known.</summary>
public sealed class LiveRateSearchTests
{
    private static readonly LiveSubject s_subject = new("cpworker", "rtc", 64, "null", 1);

    /// <summary>A trial of a subject that loses nothing up to <paramref name="limit"/>; the generator tops out at <paramref name="top"/>.</summary>
    private static LiveTrial Trial(long requested, double limit, double top)
    {
        double offered = requested == 0 ? top : Math.Min(requested, top);
        bool lost = offered > limit;
        return new LiveTrial
        {
            Subject = s_subject,
            RequestedPps = requested,
            Offered = (long)(offered * 10),
            OfferedPps = offered,
            Seconds = 10,
            Captured = (long)(offered * 10) - (lost ? 5 : 0),
            KernelDrops = lost ? 5 : 0,
        };
    }

    [Test]
    public void Bisection_brackets_the_limit_within_the_steps_and_never_reports_a_lossy_rate()
    {
        var search = new LiveRateSearch(s_subject, []);
        var rates = new List<long>();
        while (search.NextRate(maxSteps: 6) is long rate)
        {
            rates.Add(rate);
            search.Record(Trial(rate, limit: 310_000, top: 1_000_000));
        }

        Assert.That(rates[0], Is.EqualTo(0), "top speed first");
        Assert.That(rates, Has.Count.LessThanOrEqualTo(7));
        Assert.That(search.GeneratorLimited, Is.False);
        Assert.That(search.Best!.OfferedPps, Is.LessThanOrEqualTo(310_000).And.GreaterThan(310_000 * 0.9));
        Assert.That(search.Trials.Where(t => t.OfferedPps > 310_000).All(t => !t.ZeroLoss));
    }

    [Test]
    public void A_top_speed_without_loss_ends_the_search_as_generator_limited()
    {
        var search = new LiveRateSearch(s_subject, []);
        Assert.That(search.NextRate(5), Is.EqualTo(0));
        search.Record(Trial(0, limit: 2_000_000, top: 900_000));
        Assert.That(search.NextRate(5), Is.Null);
        Assert.That(search.GeneratorLimited, Is.True);
        Assert.That(search.Best!.OfferedPps, Is.EqualTo(900_000));
    }

    [Test]
    public void Fixed_rates_are_tried_highest_first_until_one_holds()
    {
        var search = new LiveRateSearch(s_subject, [100_000, 400_000, 200_000]);
        var rates = new List<long>();
        while (search.NextRate(maxSteps: 5) is long rate)
        {
            rates.Add(rate);
            search.Record(Trial(rate, limit: 250_000, top: 1_000_000));
        }

        Assert.That(rates, Is.EqualTo(new long[] { 0, 400_000, 200_000 }));
        Assert.That(search.Best!.OfferedPps, Is.EqualTo(200_000));
    }
}
