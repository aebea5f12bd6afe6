namespace Cpworker.Engine.Configuration;

/// <summary><c>req_pattern</c>: how a packet's direction is decided (docs/direction.md).</summary>
public abstract record DirectionConfig;

/// <summary><c>"type": "auto"</c>: by the capture interface's MAC address.</summary>
public sealed record AutoDirectionConfig : DirectionConfig;

/// <summary><c>"type": "custom"</c>: by a host/port pattern.</summary>
/// <param name="Pattern">The pattern text as written (with <c>nic.IFNAME</c> references unresolved).</param>
public sealed record CustomDirectionConfig(string Pattern) : DirectionConfig;
