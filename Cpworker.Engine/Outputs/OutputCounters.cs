namespace Cpworker.Engine.Outputs;

/// <summary>
/// The counters of one output. Every packet handed to the output lands in exactly one of
/// forwarded, direction drop, rate-limit drop and error drop (docs/packet-path.md, "Counting").
/// </summary>
/// <remarks>
/// Each half is written by one thread only, with plain increments (no interlocked operations on the
/// packet path); readers on other threads see each 64-bit value whole. The halves are separate
/// objects so that the packet thread and the sender thread do not share a cache line.
/// </remarks>
internal sealed class OutputCounters
{
    /// <summary>Written by the thread that runs the output's encoder stage.</summary>
    public PacketSide Packet { get; } = new();

    /// <summary>Written by the thread that runs the output's transport.</summary>
    public SenderSide Sender { get; } = new();

    /// <summary>A consistent-enough copy for reporting: each value is read once.</summary>
    public OutputCounterSnapshot Snapshot()
    {
        long acceptedPackets = Volatile.Read(ref Packet.AcceptedPackets);
        long acceptedBytes = Volatile.Read(ref Packet.AcceptedBytes);
        long sendErrorPackets = Volatile.Read(ref Sender.ErrorPackets);
        long sendErrorBytes = Volatile.Read(ref Sender.ErrorBytes);
        return new OutputCounterSnapshot(
            ForwardedPackets: acceptedPackets - sendErrorPackets,
            ForwardedBytes: acceptedBytes - sendErrorBytes,
            DirectionDropPackets: Volatile.Read(ref Packet.DirectionDropPackets),
            DirectionDropBytes: Volatile.Read(ref Packet.DirectionDropBytes),
            RateLimitDropPackets: Volatile.Read(ref Packet.RateLimitDropPackets),
            RateLimitDropBytes: Volatile.Read(ref Packet.RateLimitDropBytes),
            ErrorDropPackets: Volatile.Read(ref Packet.ErrorPackets) + sendErrorPackets,
            ErrorDropBytes: Volatile.Read(ref Packet.ErrorBytes) + sendErrorBytes,
            HeartbeatPackets: Volatile.Read(ref Packet.HeartbeatPackets));
    }

    /// <summary>Counters owned by the encoder thread.</summary>
    internal sealed class PacketSide
    {
        /// <summary>Packets that passed direction, rate limit and encoding; forwarded unless the transport later fails them.</summary>
        public long AcceptedPackets;

        /// <summary>Bytes (sliced caplen) of <see cref="AcceptedPackets"/>.</summary>
        public long AcceptedBytes;

        /// <summary>Packets of unknown direction.</summary>
        public long DirectionDropPackets;

        /// <summary>Bytes of <see cref="DirectionDropPackets"/>.</summary>
        public long DirectionDropBytes;

        /// <summary>Packets refused by the rate limiter.</summary>
        public long RateLimitDropPackets;

        /// <summary>Bytes of <see cref="RateLimitDropPackets"/>.</summary>
        public long RateLimitDropBytes;

        /// <summary>Packets the encoder could not take (malformed for this format, no free send buffer).</summary>
        public long ErrorPackets;

        /// <summary>Bytes of <see cref="ErrorPackets"/>.</summary>
        public long ErrorBytes;

        /// <summary>Heartbeat records sent (ZMQ); not packets of the capture.</summary>
        public long HeartbeatPackets;
    }

    /// <summary>Counters owned by the transport thread.</summary>
    internal sealed class SenderSide
    {
        /// <summary>Accepted packets the transport failed to send or write.</summary>
        public long ErrorPackets;

        /// <summary>Bytes of <see cref="ErrorPackets"/>.</summary>
        public long ErrorBytes;

        /// <summary>Datagrams or messages that failed (a split packet can fail several).</summary>
        public long FailedSends;
    }
}
