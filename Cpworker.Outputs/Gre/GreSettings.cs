using Cpworker.Engine.Configuration;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Gre;

/// <summary>The <c>gre</c> object of an output (behaviour §2, wire.md §1).</summary>
internal sealed partial record GreSettings : OutputSettings
{
    /// <summary>No service tag: the key's service bits are all ones.</summary>
    public const uint NoServiceTag = 0xFFFFFFFF;

    /// <summary><c>host</c>: an IPv4/IPv6 literal or a name resolved at start.</summary>
    public required string Host { get; init; }

    /// <summary><c>service_tag</c>.</summary>
    public uint ServiceTag { get; init; } = NoServiceTag;

    /// <summary><c>bind_device</c>; null = any.</summary>
    public string? BindDevice { get; init; }

    /// <summary><c>pmtudisc</c>; null = the kernel's default.</summary>
    public PmtuDiscovery? PmtuDiscovery { get; init; }

    /// <summary><c>send_path</c>: socket (default), packet_ring or auto.</summary>
    public FastPath.SendPath SendPath { get; init; }
}
