using Cpworker.Engine.Configuration;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Vxlan;

/// <summary>The <c>vxlan</c> object of an output (behaviour §2, wire.md §2).</summary>
internal sealed partial record VxlanSettings : OutputSettings
{
    /// <summary>Default <c>port</c>.</summary>
    public const int DefaultPort = 4789;

    /// <summary><c>host</c>: an IPv4/IPv6 literal or a name resolved at start.</summary>
    public required string Host { get; init; }

    /// <summary><c>port</c>.</summary>
    public int Port { get; init; } = DefaultPort;

    /// <summary>Whether <see cref="Vni"/> is a <c>vni1</c> or a <c>vni2</c>.</summary>
    public VniKind VniKind { get; init; }

    /// <summary>The <c>vni1</c> (masked to 24 bits) or <c>vni2</c> value.</summary>
    public uint Vni { get; init; }

    /// <summary><c>capture_time</c>: append the 8-byte capture-time trailer.</summary>
    public bool CaptureTime { get; init; }

    /// <summary><c>bind_device</c>; null = any.</summary>
    public string? BindDevice { get; init; }

    /// <summary><c>pmtudisc</c>; null = the kernel's default.</summary>
    public PmtuDiscovery? PmtuDiscovery { get; init; }

    /// <summary><c>send_path</c>: socket (default), packet_ring or auto.</summary>
    public FastPath.SendPath SendPath { get; init; }

    /// <summary><c>split.max_payload_size</c>; 0 = no split.</summary>
    public int SplitMaxPayloadSize { get; init; }

    /// <summary><c>split.recalculate_checksum</c>.</summary>
    public bool SplitRecalculateChecksum { get; init; }
}
