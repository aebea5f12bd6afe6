namespace Cpworker.Engine.Configuration;

/// <summary>The outcome of reading a configuration.</summary>
/// <param name="Config">The configuration; null when <paramref name="Diagnostics"/> has errors.</param>
/// <param name="Diagnostics">Every error and warning found.</param>
public sealed record ConfigLoadResult(CpworkerConfig? Config, ConfigDiagnostics Diagnostics);
