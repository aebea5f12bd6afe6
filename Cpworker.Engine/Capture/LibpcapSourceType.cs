using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary><c>"type": "libpcap"</c>: live capture on an interface, optionally inside a network namespace.</summary>
internal sealed class LibpcapSourceType : SourceType
{
    /// <inheritdoc/>
    public override string Name => "libpcap";

    /// <inheritdoc/>
    public override bool Handles(CaptureConfig config) => config is LibpcapCaptureConfig;

    /// <inheritdoc/>
    public override bool IsReplay(CaptureConfig config) => false;

    /// <inheritdoc/>
    public override int Snaplen(CaptureConfig config) => ((LibpcapCaptureConfig)config).Snaplen;

    /// <inheritdoc/>
    public override long CaptureBufferMb(CaptureConfig config) => ((LibpcapCaptureConfig)config).BufferSizeMb;

    /// <inheritdoc/>
    public override string? CaptureInterface(CaptureConfig config) => ((LibpcapCaptureConfig)config).Interface;

    /// <inheritdoc/>
    public override bool UsesLoopGuard(CaptureConfig config) => !((LibpcapCaptureConfig)config).NotFilterOutputHosts;

    /// <inheritdoc/>
    public override string Describe(CaptureConfig config)
    {
        var live = (LibpcapCaptureConfig)config;
        return live.Netns is null ? $"interface {live.Interface}" : $"interface {live.Interface} in {live.Netns}";
    }

    /// <inheritdoc/>
    public override CaptureConfig? Parse(ConfigObject o)
    {
        int mark = o.Diagnostics.Items.Count;
        string? iface = o.InterfaceName("interface", required: true);
        int snaplen = LibpcapCaptureConfig.DefaultSnaplen;
        long? rawSnaplen = o.WholeNumber("snaplen");
        if (rawSnaplen is long s)
        {
            if (s is <= 0 or > LibpcapCaptureConfig.MaxSnaplen)
            {
                o.Warning("snaplen", $"{ConfigObject.Format(s)} is outside 1 … {LibpcapCaptureConfig.MaxSnaplen}; using {LibpcapCaptureConfig.MaxSnaplen}, as the C implementation does");
                snaplen = LibpcapCaptureConfig.MaxSnaplen;
            }
            else
            {
                snaplen = (int)s;
            }
        }

        string? netns = o.ExpandedString("netns");
        string? bpf = o.String("bpf");
        int bufferMb = LibpcapCaptureConfig.DefaultBufferSizeMb;
        long? rawBuffer = o.WholeNumber("buffer_size_mb");
        if (rawBuffer is long b)
        {
            if (b <= 0)
            {
                o.Error("buffer_size_mb", $"must be at least 1, not {ConfigObject.Format(b)}");
            }
            else if (b > LibpcapCaptureConfig.MaxBufferSizeMb)
            {
                o.Warning("buffer_size_mb", $"{ConfigObject.Format(b)} is above {LibpcapCaptureConfig.MaxBufferSizeMb}; using {LibpcapCaptureConfig.MaxBufferSizeMb}");
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
            Netns = string.IsNullOrEmpty(netns) ? null : netns,
            Bpf = string.IsNullOrWhiteSpace(bpf) ? null : bpf,
            BufferSizeMb = bufferMb,
            TimeoutMs = timeout ?? LibpcapCaptureConfig.DefaultTimeoutMs,
            NotFilterOutputHosts = notFilter ?? false,
        };
    }

    /// <inheritdoc/>
    public override void CheckHost(CaptureConfig config, SourceHostCheck check)
    {
        var live = (LibpcapCaptureConfig)config;
        string where = live.Netns is null ? "on this host" : $"in netns {live.Netns}";
        string? filter = null;
        bool filterComposed = true;
        try
        {
            // Everything that names an interface is resolved where the capture will run.
            NetworkNamespace.Run(live.Netns, () =>
            {
                if (InterfaceResolver.Find(live.Interface) is null)
                {
                    check.Diagnostics.Error($"{check.Path}.interface", $"there is no network interface \"{live.Interface}\" {where}");
                }

                filterComposed = TryComposeFilter(live.Bpf, check.LoopGuard, check.Path, check.Diagnostics, out filter);
                check.CheckDirection(live.Interface);
                return 0;
            });
        }
        catch (CaptureException ex)
        {
            check.Diagnostics.Error($"{check.Path}.netns", ex.Message);
            return;
        }

        if (filterComposed)
        {
            CheckCompiles(filter, live.Bpf is not null, live.Snaplen, check.Path, check.Diagnostics);
        }
    }

    /// <inheritdoc/>
    public override PacketSource Create(CaptureConfig config, SourceContext context) =>
        new LiveCaptureSource((LibpcapCaptureConfig)config, context.LoopGuard, context.Logger, context.TaskName);
}
