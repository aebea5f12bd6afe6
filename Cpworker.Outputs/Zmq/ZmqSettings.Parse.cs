using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.Zmq;

internal sealed partial record ZmqSettings
{
    /// <summary>
    /// Reads the <c>zmq</c> object (null when absent) and reports every problem at its JSON path.
    /// Null when the settings are unusable.
    /// </summary>
    public static ZmqSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        throw new NotImplementedException("zmq settings parsing");

    /// <summary>Checks against this host (<c>validate --host</c> and start).</summary>
    public void CheckHost(string sectionPath, ConfigDiagnostics diagnostics)
    {
    }
}
