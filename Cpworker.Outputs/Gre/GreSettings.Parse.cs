using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.Gre;

internal sealed partial record GreSettings
{
    /// <summary>
    /// Reads the <c>gre</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static GreSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("gre settings parsing");

    /// <summary>Checks against this host (<c>validate --host</c> and start).</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
    }
}
