using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.File;

/// <summary>The <c>file</c> output type.</summary>
internal sealed class FileOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "file";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        FileSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((FileSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        throw new NotImplementedException("file output");
}
