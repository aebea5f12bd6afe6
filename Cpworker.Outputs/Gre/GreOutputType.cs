using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Gre;

/// <summary>The <c>gre</c> output type.</summary>
internal sealed class GreOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "gre";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        GreSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((GreSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        throw new NotImplementedException("gre output");
}
