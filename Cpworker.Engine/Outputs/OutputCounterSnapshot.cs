namespace Cpworker.Engine.Outputs;

/// <summary>The counters of one output at one moment. Bytes are sliced capture lengths.</summary>
/// <param name="ForwardedPackets">Packets sent or written.</param>
/// <param name="ForwardedBytes">Bytes of <paramref name="ForwardedPackets"/>.</param>
/// <param name="DirectionDropPackets">Packets of unknown direction.</param>
/// <param name="DirectionDropBytes">Bytes of <paramref name="DirectionDropPackets"/>.</param>
/// <param name="RateLimitDropPackets">Packets over the output's rate limit.</param>
/// <param name="RateLimitDropBytes">Bytes of <paramref name="RateLimitDropPackets"/>.</param>
/// <param name="ErrorDropPackets">Packets lost to an error (send or write failure, congestion, unencodable frame).</param>
/// <param name="ErrorDropBytes">Bytes of <paramref name="ErrorDropPackets"/>.</param>
/// <param name="HeartbeatPackets">Heartbeat records sent (not captured packets).</param>
public readonly record struct OutputCounterSnapshot(
    long ForwardedPackets,
    long ForwardedBytes,
    long DirectionDropPackets,
    long DirectionDropBytes,
    long RateLimitDropPackets,
    long RateLimitDropBytes,
    long ErrorDropPackets,
    long ErrorDropBytes,
    long HeartbeatPackets)
{
    /// <summary>GRE/VXLAN datagrams the kernel took through the socket path (<c>sendmmsg</c>); 0 for other outputs.</summary>
    public long SocketDatagrams { get; init; }

    /// <summary>GRE/VXLAN datagrams sent through the AF_PACKET TX ring (<c>send_path</c>); 0 for other outputs.</summary>
    public long RingDatagrams { get; init; }

    /// <summary>Every packet handed to the output: the four outcomes add up to this.</summary>
    public long HandedPackets => ForwardedPackets + DirectionDropPackets + RateLimitDropPackets + ErrorDropPackets;

    /// <summary>Sum of two snapshots (totals over outputs or tasks).</summary>
    public static OutputCounterSnapshot operator +(OutputCounterSnapshot a, OutputCounterSnapshot b) => new(
        a.ForwardedPackets + b.ForwardedPackets,
        a.ForwardedBytes + b.ForwardedBytes,
        a.DirectionDropPackets + b.DirectionDropPackets,
        a.DirectionDropBytes + b.DirectionDropBytes,
        a.RateLimitDropPackets + b.RateLimitDropPackets,
        a.RateLimitDropBytes + b.RateLimitDropBytes,
        a.ErrorDropPackets + b.ErrorDropPackets,
        a.ErrorDropBytes + b.ErrorDropBytes,
        a.HeartbeatPackets + b.HeartbeatPackets)
    {
        SocketDatagrams = a.SocketDatagrams + b.SocketDatagrams,
        RingDatagrams = a.RingDatagrams + b.RingDatagrams,
    };
}
