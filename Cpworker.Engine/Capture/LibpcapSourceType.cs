using Cpworker.Engine.Capture.Namespaces;
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
    /// <remarks>Each capture thread's handle has a buffer of its own.</remarks>
    public override long CaptureBufferMb(CaptureConfig config) => (long)((LibpcapCaptureConfig)config).BufferSizeMb * ((LibpcapCaptureConfig)config).Threads;

    /// <inheritdoc/>
    public override string? CaptureInterface(CaptureConfig config) => ((LibpcapCaptureConfig)config).Interface;

    /// <inheritdoc/>
    public override bool UsesLoopGuard(CaptureConfig config) => !((LibpcapCaptureConfig)config).NotFilterOutputHosts;

    /// <inheritdoc/>
    public override string Describe(CaptureConfig config)
    {
        var live = (LibpcapCaptureConfig)config;
        return live.NetnsReference is null ? $"interface {live.Interface}" : $"interface {live.Interface} in {live.NetnsReference}";
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

        NetnsReference? netns = NetnsConfigReader.Read(o);
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
        long? rawThreads = o.WholeNumber("threads");
        if (rawThreads is long t and (< 1 or > LibpcapCaptureConfig.MaxThreads))
        {
            o.Error("threads", $"must be 1 … {LibpcapCaptureConfig.MaxThreads}, not {t}");
        }

        string? rawReader = o.String("reader");
        if (rawReader is not (null or "auto" or "libpcap" or "ring"))
        {
            o.Error("reader", $"must be \"auto\", \"libpcap\" or \"ring\", not \"{rawReader}\"");
        }

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
            Threads = (int)(rawThreads ?? 1),
            Reader = rawReader switch { "libpcap" => LibpcapReader.Libpcap, "ring" => LibpcapReader.Ring, _ => LibpcapReader.Auto },
        };
    }

    /// <inheritdoc/>
    public override void CheckHost(CaptureConfig config, SourceHostCheck check)
    {
        var live = (LibpcapCaptureConfig)config;
        string where = live.NetnsReference is null ? "on this host" : $"in netns {live.NetnsReference}";
        string? filter = null;
        bool filterComposed = true;
        try
        {
            // Everything that names an interface is resolved where the capture will run.
            NetworkNamespace.Run(live.NetnsReference, () =>
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
        Live((LibpcapCaptureConfig)config, context, fanout: null);

    /// <summary>The live source <c>reader</c> asks for (docs/configuration.md, "libpcap").</summary>
    private static PacketSource Live(LibpcapCaptureConfig live, SourceContext context, FanoutGroup? fanout) => live.Reader switch
    {
        LibpcapReader.Libpcap => new LiveCaptureSource(live, context.LoopGuard, context.Logger, context.TaskName, fanout),
        LibpcapReader.Ring => new RingCaptureSource(live, context.LoopGuard, context.Logger, context.TaskName, fanout),
        _ when live.TimeoutMs == 0 || (live.Bpf?.Contains("vlan", StringComparison.Ordinal) ?? false) =>
            new LiveCaptureSource(live, context.LoopGuard, context.Logger, context.TaskName, fanout),
        _ => new AutoCaptureSource(live, context.LoopGuard, context.Logger, context.TaskName, fanout),
    };

    /// <summary>
    /// <c>threads</c> handles, one per capture thread; above one they share a new
    /// <see cref="FanoutGroup"/> (docs/architecture.md, "Capture threads (fanout)").
    /// </summary>
    public override PacketSource[] CreateAll(CaptureConfig config, SourceContext context)
    {
        var live = (LibpcapCaptureConfig)config;
        if (live.Threads <= 1)
        {
            return [Create(config, context)];
        }

        var fanout = new FanoutGroup();
        var sources = new PacketSource[live.Threads];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = Live(live, context, fanout);
        }

        return sources;
    }
}
