namespace Cpworker.Engine.Outputs;

/// <summary>
/// The counters of one output. Every packet handed to the output lands in exactly one of
/// forwarded, direction drop, rate-limit drop and error drop (behaviour §5), once its fate is known;
/// until then (accepted by the encoder, queued for the sender) it is in flight and in none of them.
/// Every counter only grows.
/// </summary>
/// <remarks>
/// Each half is written by one thread only, with plain increments (no interlocked operations on the
/// packet path); readers on other threads see each 64-bit value whole. The halves are separate
/// objects so that the packet thread and the sender thread do not share a cache line.
/// </remarks>
public sealed class OutputCounters
{
    /// <summary>Written by the thread that runs the output's encoder stage.</summary>
    public PacketSide Packet { get; } = new();

    /// <summary>Written by the thread that runs the output's transport.</summary>
    public SenderSide Sender { get; } = new();

    /// <summary>A consistent-enough copy for reporting: each value is read once.</summary>
    internal OutputCounterSnapshot Snapshot()
    {
        // Forwarded is the sender's own count of packets whose fate is known: a packet in flight
        // (accepted, not yet sent) is in no outcome yet, so that no published counter ever goes back.
        long sendErrorPackets = Volatile.Read(ref Sender.ErrorPackets);
        long sendErrorBytes = Volatile.Read(ref Sender.ErrorBytes);
        return new OutputCounterSnapshot(
            ForwardedPackets: Volatile.Read(ref Sender.ForwardedPackets),
            ForwardedBytes: Volatile.Read(ref Sender.ForwardedBytes),
            DirectionDropPackets: Volatile.Read(ref Packet.DirectionDropPackets),
            DirectionDropBytes: Volatile.Read(ref Packet.DirectionDropBytes),
            RateLimitDropPackets: Volatile.Read(ref Packet.RateLimitDropPackets),
            RateLimitDropBytes: Volatile.Read(ref Packet.RateLimitDropBytes),
            ErrorDropPackets: Volatile.Read(ref Packet.ErrorPackets) + sendErrorPackets,
            ErrorDropBytes: Volatile.Read(ref Packet.ErrorBytes) + sendErrorBytes,
            HeartbeatPackets: Volatile.Read(ref Packet.HeartbeatPackets))
        {
            SocketDatagrams = Volatile.Read(ref Sender.SocketDatagrams),
            RingDatagrams = Volatile.Read(ref Sender.RingDatagrams),
        };
    }

    /// <summary>Counters owned by the encoder thread.</summary>
    public sealed class PacketSide
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
    public sealed class SenderSide
    {
        /// <summary>Accepted packets the transport failed to send or write.</summary>
        public long ErrorPackets;

        /// <summary>Bytes of <see cref="ErrorPackets"/>.</summary>
        public long ErrorBytes;

        /// <summary>Datagrams or messages that failed (a split packet can fail several).</summary>
        public long FailedSends;

        /// <summary>Accepted packets sent or written: settled by <see cref="OutputTransport.Deliver"/> once a buffer's send returned.</summary>
        public long ForwardedPackets;

        /// <summary>Bytes of <see cref="ForwardedPackets"/>.</summary>
        public long ForwardedBytes;

        /// <summary>Adds the packets of a sent buffer that did not fail (never negative: a split packet's failure may land in a later buffer).</summary>
        public void Settle(long packets, long bytes)
        {
            ForwardedPackets += Math.Max(0, packets);
            ForwardedBytes += Math.Max(0, bytes);
        }

        /// <summary>Adds packets whose send threw: they are lost.</summary>
        public void Fail(long packets, long bytes)
        {
            ErrorPackets += Math.Max(0, packets);
            ErrorBytes += Math.Max(0, bytes);
        }

        /// <summary>Datagrams the kernel took through the socket (<c>sendmmsg</c>) path (GRE, VXLAN); only grows.</summary>
        public long SocketDatagrams;

        /// <summary>Datagrams handed to the kernel through the AF_PACKET TX ring (<c>send_path</c>); only grows.</summary>
        public long RingDatagrams;
    }
}
