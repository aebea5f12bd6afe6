using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;

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
    public override string Describe(OutputSettings settings) => $"pcap file {((FileSettings)settings).Name}";

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var file = (FileSettings)settings;
        bool nano = file.TimestampPrecision == TimestampPrecision.Nano;
        int snaplen = PcapRecordEncoder.FileSnaplen(context.Config.Slice, context.CaptureSnaplen);
        return new OutputParts(
            new PcapFileEncoder(context.Time, nano, snaplen),
            new FileTransport(file, context),
            PcapFileBuffers.BufferBytes(snaplen),
            MaxMessages: 1,
            PipelineBuffers: PcapFileBuffers.PipelineBuffers);
    }
}
