using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Configuration;

/// <summary>Checks a configuration against this host (<c>validate --host</c>, and at start).</summary>
internal static class ConfigHostChecker
{
    /// <summary>Reports every host problem of <paramref name="config"/> with its JSON path.</summary>
    public static void Check(CpworkerConfig config, OutputTypeRegistry registry, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("the configuration work item implements host checks");
}
