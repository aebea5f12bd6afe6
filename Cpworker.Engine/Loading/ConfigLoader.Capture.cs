using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Loading;

internal static partial class ConfigLoader
{
    /// <summary>The C implementation's DPDK capturer: named, so that the error says what to use instead.</summary>
    private const string UnsupportedCapturer = "dpdk_pdump";

    private static DirectionConfig? ReadReqPattern(ConfigObject task)
    {
        ConfigObject? pattern = task.Object("req_pattern");
        if (pattern is null)
        {
            return null;
        }

        DirectionConfig? result = null;
        int? type = pattern.Choice("type", ["auto", "custom"], required: true);
        if (type == 0)
        {
            result = new AutoDirectionConfig();
            pattern.Ignore("custom");
        }
        else if (type == 1)
        {
            ConfigObject? custom = pattern.Object("custom", required: true);
            string? text = custom?.String("pattern", required: true);
            if (text is not null)
            {
                string? problem = DirectionPatternSyntax.Check(text);
                if (problem is null)
                {
                    result = new CustomDirectionConfig(text);
                }
                else
                {
                    custom!.Error("pattern", $"\"{text}\": {problem}");
                }
            }

            custom?.WarnUnknownKeys();
        }
        else
        {
            pattern.Ignore("custom");
        }

        pattern.WarnUnknownKeys();
        return result;
    }

    private static CaptureConfig? ReadCapturer(ConfigObject task)
    {
        ConfigObject? capturer = task.Object("capturer", required: true);
        if (capturer is null)
        {
            return null;
        }

        string? type = capturer.String("type", required: true);

        // Objects of the other capturer types may sit beside the chosen one, as outputs' do.
        capturer.Ignore([.. SourceTypes.Names, UnsupportedCapturer]);
        CaptureConfig? result = null;
        if (type == UnsupportedCapturer)
        {
            capturer.Error("type", "dpdk_pdump is not supported by this cpworker; capture with \"libpcap\" instead");
        }
        else if (type is not null && SourceTypes.TryGet(type, out SourceType? sourceType))
        {
            ConfigObject? section = capturer.Object(type, required: true);
            if (section is not null)
            {
                result = sourceType.Parse(section);
            }
        }
        else if (type is not null)
        {
            capturer.Error("type", $"unknown capturer type \"{type}\"; known types: {ConfigValues.Alternatives(SourceTypes.Names)}");
        }

        capturer.WarnUnknownKeys();
        return result;
    }
}
