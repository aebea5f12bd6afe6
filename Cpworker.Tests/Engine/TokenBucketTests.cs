using Cpworker.Engine.Outputs;

namespace Cpworker.Tests.Engine;

public class TokenBucketTests
{
    private const long Second = 1_000_000_000;

    [Test]
    public void The_first_packets_pass_from_a_tenth_of_a_second_of_credit()
    {
        var bucket = new TokenBucket(8); // 1 MB/s: 100 kB of initial credit
        Assert.That(bucket.TryConsume(100_000, 0), Is.True);
        Assert.That(bucket.TryConsume(1, 0), Is.False, "credit exhausted without time passing");
    }

    [Test]
    public void Credit_is_refilled_by_capture_time_and_capped_at_one_second()
    {
        var bucket = new TokenBucket(8); // 1 MB/s
        Assert.That(bucket.TryConsume(100_000, 0), Is.True);
        Assert.That(bucket.TryConsume(500_000, Second / 2), Is.True, "half a second earns 500 kB");
        Assert.That(bucket.TryConsume(1, Second / 2), Is.False);
        // Ten idle seconds earn at most one second of traffic.
        Assert.That(bucket.TryConsume(1_000_000, 11 * Second), Is.True);
        Assert.That(bucket.TryConsume(1000, 11 * Second), Is.False);
    }

    [Test]
    public void Time_going_backwards_restarts_the_reference_without_earning_credit()
    {
        var bucket = new TokenBucket(8);
        Assert.That(bucket.TryConsume(100_000, 5 * Second), Is.True);
        Assert.That(bucket.TryConsume(1000, 1 * Second), Is.False, "a looped replay restarting its clock earns nothing");
        Assert.That(bucket.TryConsume(1000, 1 * Second + Second / 100), Is.True, "then time counts from the new reference");
    }

    [Test]
    public void A_packet_never_costs_less_than_its_bytes()
    {
        var bucket = new TokenBucket(1); // 125 kB/s
        int passed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            if (bucket.TryConsume(1500, i * (Second / 1000)))
            {
                passed++;
            }
        }

        // 10 s at 125 kB/s plus 12.5 kB of initial credit, in 1500-byte packets.
        Assert.That(passed * 1500L, Is.InRange(1_250_000, 1_262_500 + 1500));
    }
}
