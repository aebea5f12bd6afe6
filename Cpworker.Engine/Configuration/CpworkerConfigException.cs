namespace Cpworker.Engine.Configuration;

/// <summary>A configuration cannot run; <see cref="Diagnostics"/> lists every problem with its JSON path.</summary>
public sealed class CpworkerConfigException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public CpworkerConfigException(IReadOnlyList<ConfigDiagnostic> diagnostics)
        : base("invalid configuration:" + Environment.NewLine + string.Join(Environment.NewLine, diagnostics.Where(d => d.Severity == ConfigSeverity.Error)))
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every error and warning.</summary>
    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }
}
