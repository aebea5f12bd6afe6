using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Vxlan;

/// <summary>The <c>vxlan</c> output type.</summary>
internal sealed class VxlanOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "vxlan";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        VxlanSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((VxlanSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        throw new NotImplementedException("vxlan output");
}
