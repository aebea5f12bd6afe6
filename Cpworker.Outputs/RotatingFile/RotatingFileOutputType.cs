using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.RotatingFile;

/// <summary>The <c>rotating_file</c> output type.</summary>
internal sealed class RotatingFileOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "rotating_file";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        RotatingFileSettings.Parse(section, sectionPath, diagnostics);

    /// <inheritdoc/>
    public override void CheckHost(OutputSettings settings, string sectionPath, ConfigDiagnostics diagnostics) =>
        ((RotatingFileSettings)settings).CheckHost(sectionPath, diagnostics);

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings)
    {
        var s = (RotatingFileSettings)settings;
        string every = s.MaxFileIntervalSeconds == 0 ? "one file, never rotated" : $"a new file every {s.MaxFileIntervalSeconds} s";
        string size = s.MaxFileSizeBytes > 0 ? $", at most {s.MaxFileSizeBytes / (1024 * 1024)} MiB each" : "";
        string keep = s.MaxFiles > 0 ? $", keeping the newest {s.MaxFiles}" : "";
        return $"pcap files {Path.Combine(s.FileRoot, "<yyyyMMddHH>", "pktminerg_dump_<yyyyMMddHHmmss>.pcap")} ({every}{size}{keep})";
    }

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var rotating = (RotatingFileSettings)settings;
        var schedule = new RotationSchedule(context.Time, rotating.MaxFileIntervalSeconds);
        int snaplen = PcapRecordEncoder.FileSnaplen(context.Config.Slice, context.CaptureSnaplen);
        return new OutputParts(
            new RotatingFileEncoder(context.Time, snaplen, schedule),
            new RotatingFileTransport(rotating, context, schedule),
            PcapFileBuffers.BufferBytes(snaplen),
            MaxMessages: 1,
            PipelineBuffers: PcapFileBuffers.PipelineBuffers);
    }
}
