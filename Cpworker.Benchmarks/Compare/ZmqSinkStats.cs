namespace Cpworker.Benchmarks.Compare;

/// <summary>What a <see cref="ZmqSink"/> received: messages, the records their headers count, bytes, and when the first and last arrived (monotonic ns).</summary>
internal sealed record ZmqSinkStats(long Messages, long Records, long Bytes, long FirstNs, long LastNs)
{
    /// <summary>First to last message, in seconds; 0 with fewer than two messages.</summary>
    public double SpanSeconds => Messages < 2 ? 0 : (LastNs - FirstNs) / 1e9;

    /// <summary>Records per second over <see cref="SpanSeconds"/>.</summary>
    public double RecordsPerSecond => SpanSeconds > 0 ? Records / SpanSeconds : 0;
}
