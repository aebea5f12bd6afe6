namespace Cpworker.Benchmarks.Compare;

/// <summary>What captures in a live trial: cpworker in one configuration, or tcpdump / dumpcap.</summary>
/// <param name="Tool"><c>cpworker</c>, <c>tcpdump</c> or <c>dumpcap</c>.</param>
/// <param name="Model">cpworker's execution model; null for the tools.</param>
/// <param name="BufferMb">Kernel capture buffer, MiB (per capture handle).</param>
/// <param name="Output">
/// <c>null</c> (cpworker's null output; the tools write to <c>/dev/null</c>) or <c>rotating_file</c>
/// (cpworker's rotating file; the tools write a file, <c>-w</c>), both on the same disk.
/// </param>
/// <param name="Threads">cpworker's <c>libpcap.threads</c>; 1 for the tools.</param>
/// <param name="TimeoutMs">cpworker's <c>libpcap.timeout_ms</c> (0 = immediate mode); the tools keep their default (1 s).</param>
/// <param name="Reader">cpworker's <c>libpcap.reader</c> (<c>auto</c>, <c>libpcap</c>, <c>ring</c>).</param>
internal sealed record LiveSubject(string Tool, string? Model, int BufferMb, string Output, int Threads, int TimeoutMs = 0, string Reader = "auto")
{
    /// <summary>A short name for tables: <c>cpworker rtc threads 2 timeout 100</c>, <c>tcpdump -w</c>.</summary>
    public string Label => Tool == "cpworker"
        ? $"cpworker {Model}{(Threads > 1 ? $" threads {Threads}" : "")}{(TimeoutMs > 0 ? $" timeout {TimeoutMs}" : "")}{(Reader != "auto" ? $" {Reader}" : "")}"
        : $"{Tool} -w";
}
