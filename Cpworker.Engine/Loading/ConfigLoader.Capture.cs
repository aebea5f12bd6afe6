using System.Globalization;
using System.Text.Json;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Loading;

internal static partial class ConfigLoader
{
    private static readonly string[] s_capturerTypes = ["libpcap", "pcap_file"];

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
        capturer.Ignore("libpcap", "pcap_file", "dpdk_pdump");
        CaptureConfig? result = null;
        switch (type)
        {
            case null:
                break;
            case "libpcap":
                result = ReadLibpcap(capturer);
                break;
            case "pcap_file":
                result = ReadPcapFile(capturer);
                break;
            case "dpdk_pdump":
                capturer.Error("type", "dpdk_pdump is not supported by this cpworker; capture with \"libpcap\" instead");
                break;
            default:
                capturer.Error("type", $"unknown capturer type \"{type}\"; known types: {ConfigValues.Alternatives(s_capturerTypes)}");
                break;
        }

        capturer.WarnUnknownKeys();
        return result;
    }

    private static LibpcapCaptureConfig? ReadLibpcap(ConfigObject capturer)
    {
        ConfigObject? o = capturer.Object("libpcap", required: true);
        if (o is null)
        {
            return null;
        }

        int mark = o.Diagnostics.Items.Count;
        string? iface = o.InterfaceName("interface", required: true);
        int snaplen = LibpcapCaptureConfig.DefaultSnaplen;
        long? rawSnaplen = o.WholeNumber("snaplen");
        if (rawSnaplen is long s)
        {
            if (s is <= 0 or > LibpcapCaptureConfig.MaxSnaplen)
            {
                o.Warning("snaplen", $"{Format(s)} is outside 1 … {LibpcapCaptureConfig.MaxSnaplen}; using {LibpcapCaptureConfig.MaxSnaplen}, as the C implementation does");
                snaplen = LibpcapCaptureConfig.MaxSnaplen;
            }
            else
            {
                snaplen = (int)s;
            }
        }

        NetnsReference? netns = ReadNetns(o);
        string? bpf = o.String("bpf");
        int bufferMb = LibpcapCaptureConfig.DefaultBufferSizeMb;
        long? rawBuffer = o.WholeNumber("buffer_size_mb");
        if (rawBuffer is long b)
        {
            if (b <= 0)
            {
                o.Error("buffer_size_mb", $"must be at least 1, not {Format(b)}");
            }
            else if (b > LibpcapCaptureConfig.MaxBufferSizeMb)
            {
                o.Warning("buffer_size_mb", $"{Format(b)} is above {LibpcapCaptureConfig.MaxBufferSizeMb}; using {LibpcapCaptureConfig.MaxBufferSizeMb}");
                bufferMb = LibpcapCaptureConfig.MaxBufferSizeMb;
            }
            else
            {
                bufferMb = (int)b;
            }
        }

        CheckBpf(o, bpf, snaplen);
        int? timeout = o.Int32("timeout_ms");
        bool? notFilter = o.Boolean("not_filter_output_hosts");
        o.WarnUnknownKeys();
        if (iface is null || o.Diagnostics.ErrorsSince(mark))
        {
            return null;
        }

        return new LibpcapCaptureConfig
        {
            Interface = iface,
            Snaplen = snaplen,
            Netns = netns?.Kind == NetnsReferenceKind.Path ? netns.Value : null,
            NetnsReference = netns?.Kind == NetnsReferenceKind.Path ? null : netns, // the path form comes from Netns
            Bpf = string.IsNullOrWhiteSpace(bpf) ? null : bpf,
            BufferSizeMb = bufferMb,
            TimeoutMs = timeout ?? LibpcapCaptureConfig.DefaultTimeoutMs,
            NotFilterOutputHosts = notFilter ?? false,
        };
    }

    /// <summary>
    /// <c>netns</c>: a path string (C-compatible), or an object with exactly one of <c>name</c>,
    /// <c>container_id</c>, <c>pod_uid</c>, <c>cgroup</c>; null when absent, empty or invalid (reported).
    /// </summary>
    private static NetnsReference? ReadNetns(ConfigObject libpcap)
    {
        JsonElement? raw = libpcap.Raw("netns");
        if (raw is null || raw.Value.ValueKind != JsonValueKind.Object)
        {
            string? path = libpcap.ExpandedString("netns");
            return string.IsNullOrEmpty(path) ? null : new NetnsReference(NetnsReferenceKind.Path, path);
        }

        ConfigObject? o = libpcap.Object("netns");
        if (o is null)
        {
            return null;
        }

        (string Key, NetnsReferenceKind Kind)[] forms =
            [("name", NetnsReferenceKind.Name), ("container_id", NetnsReferenceKind.ContainerId), ("pod_uid", NetnsReferenceKind.PodUid), ("cgroup", NetnsReferenceKind.Cgroup)];
        var given = forms.Where(f => o.Has(f.Key)).ToList();
        if (given.Count != 1)
        {
            libpcap.Error("netns", $"must name exactly one of {string.Join(", ", forms.Select(f => f.Key))} (or be a path string); {(given.Count == 0 ? "none" : string.Join(" and ", given.Select(f => f.Key)))} given");
            return null;
        }

        string? value = o.ExpandedString(given[0].Key, required: true);
        o.WarnUnknownKeys();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var reference = new NetnsReference(given[0].Kind, value);
        if (reference.Kind == NetnsReferenceKind.Name && (value.Contains('/') || value is "." or ".."))
        {
            o.Error("name", $"\"{value}\" is not a namespace name (ip netns add NAME; no /)");
            return null;
        }

        if (Capture.Namespaces.CgroupMatcher.Check(reference) is { } problem)
        {
            o.Error(given[0].Key, problem);
            return null;
        }

        return reference;
    }

    private static PcapFileCaptureConfig? ReadPcapFile(ConfigObject capturer)
    {
        ConfigObject? o = capturer.Object("pcap_file", required: true);
        if (o is null)
        {
            return null;
        }

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

    /// <summary>
    /// Compiles <c>bpf</c> offline (Ethernet, <c>nic.IFNAME</c> as a placeholder address), so that a
    /// filter that can never work fails <c>validate</c> and the start instead of every retry.
    /// </summary>
    private static void CheckBpf(ConfigObject o, string? bpf, int snaplen)
    {
        if (string.IsNullOrWhiteSpace(bpf))
        {
            return;
        }

        string? problem = Capture.BpfCompiler.Check(bpf, snaplen);
        if (problem is not null)
        {
            o.Error("bpf", $"the capture filter \"{bpf}\" does not compile: {problem}");
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

    private static string Format(long n) => n.ToString(CultureInfo.InvariantCulture);
}
