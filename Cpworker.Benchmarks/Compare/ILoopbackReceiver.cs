namespace Cpworker.Benchmarks.Compare;

/// <summary>A receiver on loopback that takes an output's traffic for the whole comparison.</summary>
internal interface ILoopbackReceiver : IDisposable
{
    /// <summary>Datagrams or messages received since the last <see cref="Reset"/>.</summary>
    long Received { get; }

    /// <summary>Starts counting from zero.</summary>
    void Reset();
}
