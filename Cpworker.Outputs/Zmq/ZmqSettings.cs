using Cpworker.Engine.Configuration;

namespace Cpworker.Outputs.Zmq;

/// <summary>The <c>zmq</c> object of an output (docs/configuration.md, "zmq").</summary>
internal sealed partial record ZmqSettings : OutputSettings
{
    /// <summary>Default <c>hwm</c>.</summary>
    public const int DefaultHwm = 100;

    /// <summary>No service tag.</summary>
    public const uint NoServiceTag = 0xFFFFFFFF;

    /// <summary><c>host</c>: an IPv4/IPv6 literal or a name resolved at start.</summary>
    public required string Host { get; init; }

    /// <summary><c>port</c>.</summary>
    public required int Port { get; init; }

    /// <summary><c>hwm</c>: the PUSH socket's send high-water mark in messages; 0 = unbounded.</summary>
    public int Hwm { get; init; } = DefaultHwm;

    /// <summary><c>service_tag</c>.</summary>
    public uint ServiceTag { get; init; } = NoServiceTag;

    /// <summary><c>uuid</c> as the 16 bytes of the batch header (zeros when unset).</summary>
    public IReadOnlyList<byte> Uuid { get; init; } = new byte[16];

    /// <summary><c>heartbeat_ms</c>; 0 = no heartbeat.</summary>
    public int HeartbeatMs { get; init; }

    /// <summary>Value equality including the UUID bytes (records compare lists by reference).</summary>
    public bool Equals(ZmqSettings? other) =>
        other is not null && Host == other.Host && Port == other.Port && Hwm == other.Hwm &&
        ServiceTag == other.ServiceTag && Uuid.SequenceEqual(other.Uuid) && HeartbeatMs == other.HeartbeatMs;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Host, Port, Hwm, ServiceTag, HeartbeatMs);
}
