using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Outputs;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// <c>rate_limit_mbps</c> per packet: a bucket that lets everything through (limit far above the
/// offered rate) and one that drops most (limit far below). Allocation must read 0 B.
/// </summary>
[MemoryDiagnoser]
public class TokenBucketBenchmarks
{
    private const int PacketsPerInvoke = 1024;

    /// <summary>Packets 1 µs apart, 512 bytes: 4 Gbit/s offered.</summary>
    private const long IntervalNanos = 1000;

    private TokenBucket _bucket = null!;
    private long _timestamp = 1_700_000_000_000_000_000;

    /// <summary>The limit in Mbit/s: 100 000 (all pass) or 100 (most dropped).</summary>
    [Params(100_000, 100)]
    public int LimitMbps { get; set; }

    [GlobalSetup]
    public void Setup() => _bucket = new TokenBucket(LimitMbps);

    /// <summary>One packet charged per operation.</summary>
    [Benchmark(OperationsPerInvoke = PacketsPerInvoke)]
    public int TryConsume()
    {
        int passed = 0;
        long ts = _timestamp;
        for (int i = 0; i < PacketsPerInvoke; i++)
        {
            ts += IntervalNanos;
            if (_bucket.TryConsume(512, ts))
            {
                passed++;
            }
        }

        _timestamp = ts;
        return passed;
    }
}
