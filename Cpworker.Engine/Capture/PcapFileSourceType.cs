using System.Text.Json;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary><c>"type": "pcap_file"</c>: replay of a capture file, at its recorded pace or as fast as possible.</summary>
internal sealed class PcapFileSourceType : SourceType
{
    /// <inheritdoc/>
    public override string Name => "pcap_file";

    /// <inheritdoc/>
    public override bool Handles(CaptureConfig config) => config is PcapFileCaptureConfig;

    /// <inheritdoc/>
    public override bool IsReplay(CaptureConfig config) => true;

    /// <inheritdoc/>
    public override string Describe(CaptureConfig config) => $"file {((PcapFileCaptureConfig)config).FileName}";

    /// <inheritdoc/>
    public override CaptureConfig? Parse(ConfigObject o)
    {
        int mark = o.Diagnostics.Items.Count;
        string? fileName = o.FullPath("file_name", required: true);
        string? bpf = o.String("bpf");
        CheckBpf(o, bpf, LibpcapCaptureConfig.MaxSnaplen);
        double? speed = ReadSpeed(o);
        int? loop = o.Int32("loop");
        o.WarnUnknownKeys();
        if (fileName is null || o.Diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new PcapFileCaptureConfig
        {
            FileName = fileName,
            Bpf = string.IsNullOrWhiteSpace(bpf) ? null : bpf,
            Speed = speed,
            Loop = loop ?? 1,
        };
    }

    /// <inheritdoc/>
    public override void CheckHost(CaptureConfig config, SourceHostCheck check)
    {
        var file = (PcapFileCaptureConfig)config;
        ReplayReadable(file.FileName, $"{check.Path}.file_name", check.Diagnostics);
        if (TryComposeFilter(file.Bpf, check.LoopGuard, check.Path, check.Diagnostics, out string? filter))
        {
            CheckCompiles(filter, file.Bpf is not null, LibpcapCaptureConfig.MaxSnaplen, check.Path, check.Diagnostics);
        }

        check.CheckDirection(null);
    }

    /// <inheritdoc/>
    public override PacketSource Create(CaptureConfig config, SourceContext context) =>
        new PcapFileSource((PcapFileCaptureConfig)config, context.LoopGuard, context.Logger, context.TaskName, context.Time);

    /// <summary>
    /// Reports an error unless <paramref name="file"/> can be replayed: it exists, is a regular file
    /// (a FIFO is never opened: that would block), opens, and starts with a pcap or pcapng header of
    /// a supported link type (the checks of the replay itself, docs/configuration.md).
    /// </summary>
    private static void ReplayReadable(string file, string path, ConfigDiagnostics diagnostics)
    {
        if (!File.Exists(file) && !Directory.Exists(file) && ReplayFile.NotRegular(file) is null)
        {
            diagnostics.Error(path, $"file {file} does not exist");
            return;
        }

        if (ReplayFile.Check(file) is { } problem)
        {
            diagnostics.Error(path, problem);
        }
    }

    /// <summary><c>speed</c>: <c>"max"</c> (null, as fast as possible) or a positive multiple of the recorded pace.</summary>
    private static double? ReadSpeed(ConfigObject o)
    {
        JsonElement? raw = o.Raw("speed");
        if (raw is not JsonElement v)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.String && v.GetString() == "max")
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double x) && double.IsFinite(x))
        {
            if (x >= PcapFileCaptureConfig.MinSpeed && x <= PcapFileCaptureConfig.MaxSpeed)
            {
                return x;
            }

            o.Error("speed", x > 0
                ? $"must be between {PcapFileCaptureConfig.MinSpeed} and {PcapFileCaptureConfig.MaxSpeed} (a multiple of the recorded pace), not {v.GetRawText()}"
                : $"must be greater than 0, not {v.GetRawText()}");
            return null;
        }

        o.Error("speed", $"must be \"max\" or a positive number (a multiple of the recorded pace), not {ConfigObject.Describe(v)}");
        return null;
    }
}
