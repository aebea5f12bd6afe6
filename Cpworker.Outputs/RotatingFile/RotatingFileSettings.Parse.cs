using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.RotatingFile;

internal sealed partial record RotatingFileSettings
{
    /// <summary>
    /// Reads the <c>rotating_file</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static RotatingFileSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("rotating_file settings parsing");

    /// <summary>Checks against this host (<c>validate --host</c> and start).</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
    }
}
