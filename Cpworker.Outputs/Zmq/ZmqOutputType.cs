using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Zmq;

/// <summary>The <c>zmq</c> output type.</summary>
internal sealed class ZmqOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "zmq";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        ZmqSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((ZmqSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        throw new NotImplementedException("zmq output");
}
