namespace Cpworker.Engine.Outputs;

/// <summary>
/// <c>rate_limit_mbps</c>: a token bucket refilled by the packets' capture timestamps, so a replay
/// is limited exactly as the live capture would have been (docs/packet-path.md, "Rate limit").
/// </summary>
/// <remarks>
/// The bucket holds at most one second of traffic and starts a tenth full: enough for the first
/// packets to pass, little enough that a long oversupply forwards within 2 % of the limit.
/// </remarks>
internal sealed class TokenBucket
{
    /// <summary>Refill rate.</summary>
    private readonly double _bytesPerNanosecond;

    /// <summary>Most tokens the bucket holds: one second of traffic.</summary>
    private readonly double _capacity;

    /// <summary>Tokens (bytes) available now.</summary>
    private double _tokens;

    /// <summary>Capture time of the last refill; <see cref="long.MinValue"/> before the first packet.</summary>
    private long _lastTimestamp = long.MinValue;

    /// <summary>Creates a bucket for <paramref name="megabitsPerSecond"/> (&gt; 0).</summary>
    public TokenBucket(int megabitsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(megabitsPerSecond, 1);
        double bytesPerSecond = megabitsPerSecond * 1_000_000.0 / 8;
        _bytesPerNanosecond = bytesPerSecond / 1e9;
        _capacity = bytesPerSecond;
        _tokens = bytesPerSecond / 10;
    }

    /// <summary>Charges <paramref name="bytes"/> for a packet captured at <paramref name="timestampNanos"/>; false = drop it.</summary>
    public bool TryConsume(int bytes, long timestampNanos)
    {
        if (timestampNanos > _lastTimestamp)
        {
            if (_lastTimestamp != long.MinValue)
            {
                _tokens = Math.Min(_capacity, _tokens + (timestampNanos - _lastTimestamp) * _bytesPerNanosecond);
            }

            _lastTimestamp = timestampNanos;
        }
        else if (timestampNanos < _lastTimestamp)
        {
            // Time went backwards (a looped replay, a clock step): measure from here on.
            _lastTimestamp = timestampNanos;
        }

        if (_tokens < bytes)
        {
            return false;
        }

        _tokens -= bytes;
        return true;
    }
}
