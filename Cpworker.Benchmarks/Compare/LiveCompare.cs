namespace Cpworker.Benchmarks.Compare;

/// <summary><c>compare --live</c>: placeholder until written.</summary>
internal static class LiveCompare
{
    /// <summary>Runs the live comparison.</summary>
    public static int Run(CompareOptions options, TextWriter log)
    {
        log.WriteLine("compare --live: not yet available");
        return 2;
    }
}
