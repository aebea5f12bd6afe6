using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.File;

internal sealed partial record FileSettings
{
    /// <summary>
    /// Reads the <c>file</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static FileSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("file settings parsing");

    /// <summary>Checks against this host (<c>validate --host</c> and start).</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
    }
}
