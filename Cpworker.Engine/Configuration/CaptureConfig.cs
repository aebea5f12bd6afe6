namespace Cpworker.Engine.Configuration;

/// <summary><c>capturer</c>: where a task's packets come from.</summary>
public abstract record CaptureConfig
{
    /// <summary><c>bpf</c>: the user's capture filter, <c>nic.IFNAME</c> references unresolved; null = none.</summary>
    public string? Bpf { get; init; }
}

/// <summary><c>capturer.libpcap</c>: live capture on an interface.</summary>
public sealed record LibpcapCaptureConfig : CaptureConfig
{
    /// <summary>Default <c>snaplen</c>.</summary>
    public const int DefaultSnaplen = 2048;

    /// <summary>Largest <c>snaplen</c>; larger, zero or negative values become this.</summary>
    public const int MaxSnaplen = 262144;

    /// <summary>Default <c>buffer_size_mb</c>.</summary>
    public const int DefaultBufferSizeMb = 256;

    /// <summary>Largest <c>buffer_size_mb</c>.</summary>
    public const int MaxBufferSizeMb = 2047;

    /// <summary>Default <c>timeout_ms</c>.</summary>
    public const int DefaultTimeoutMs = 0;

    /// <summary>Most capture threads (<c>threads</c>) of one task.</summary>
    public const int MaxThreads = 64;

    /// <summary><c>interface</c>.</summary>
    public required string Interface { get; init; }

    /// <summary><c>snaplen</c>.</summary>
    public int Snaplen { get; init; } = DefaultSnaplen;

    /// <summary><c>netns</c> given as a string: path of the network namespace the interface lives in; null = ours or <see cref="NetnsReference"/>.</summary>
    public string? Netns { get; init; }

    /// <summary>
    /// <c>netns</c> in either form (a path, or an object naming a netns, pod, container or cgroup);
    /// null = our own namespace. Resolved on every (re)start of the task and watched while it runs.
    /// </summary>
    internal NetnsReference? NetnsReference
    {
        // An embedder that sets only the public Netns path gets the path form.
        get => _netnsReference ?? (string.IsNullOrEmpty(Netns) ? null : new NetnsReference(NetnsReferenceKind.Path, Netns));
        init => _netnsReference = value;
    }

    private readonly NetnsReference? _netnsReference;

    /// <summary><c>buffer_size_mb</c>: the kernel capture buffer.</summary>
    public int BufferSizeMb { get; init; } = DefaultBufferSizeMb;

    /// <summary><c>timeout_ms</c>: libpcap's packet buffer timeout; 0 = immediate mode.</summary>
    public int TimeoutMs { get; init; } = DefaultTimeoutMs;

    /// <summary><c>not_filter_output_hosts</c>: turns the loop guard off for this task.</summary>
    public bool NotFilterOutputHosts { get; init; }

    /// <summary>
    /// <c>threads</c>: capture handles on the interface, each read by its own thread; above 1 they
    /// share one <c>PACKET_FANOUT</c> group that spreads flows over them (docs/architecture.md).
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// <c>reader</c>: libpcap's reader or our own receive ring (docs/configuration.md,
    /// "libpcap"); <see cref="LibpcapReader.Auto"/> picks.
    /// </summary>
    public LibpcapReader Reader { get; init; } = LibpcapReader.Auto;
}

/// <summary><c>capturer.pcap_file</c>: replay of a capture file.</summary>
public sealed record PcapFileCaptureConfig : CaptureConfig
{
    /// <summary>Slowest <c>speed</c>: one recorded second takes about 3 hours.</summary>
    internal const double MinSpeed = 0.0001;

    /// <summary>Fastest numeric <c>speed</c>; beyond it a replay is as fast as <c>"max"</c> anyway.</summary>
    internal const double MaxSpeed = 1_000_000;

    /// <summary><c>file_name</c>, variables expanded.</summary>
    public required string FileName { get; init; }

    /// <summary><c>speed</c>: a multiple of the recorded pace; null = as fast as possible (<c>"max"</c>).</summary>
    public double? Speed { get; init; }

    /// <summary><c>loop</c>: how many times to replay the file; 0 = forever.</summary>
    public int Loop { get; init; } = 1;
}
