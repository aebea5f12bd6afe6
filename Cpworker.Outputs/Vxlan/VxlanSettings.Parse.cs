using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.Vxlan;

internal sealed partial record VxlanSettings
{
    /// <summary>
    /// Reads the <c>vxlan</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static VxlanSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("vxlan settings parsing");

    /// <summary>Checks against this host (<c>validate --host</c> and start).</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
    }
}
