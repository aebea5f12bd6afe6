namespace Cpworker.Outputs.Common;

/// <summary>How the datagram outputs size their send buffers.</summary>
internal static class DatagramBuffers
{
    /// <summary>Datagrams per buffer and per <c>sendmmsg</c> call: one call per 64 datagrams amortises the ~1 µs syscall.</summary>
    public const int MaxMessages = 64;

    /// <summary>Buffers in flight per output under the pipeline model.</summary>
    public const int PipelineBuffers = 16;

    /// <summary>Smallest buffer: 64 typical datagrams fill it before its byte room runs out.</summary>
    public const int MinBufferBytes = 256 * 1024;

    /// <summary>Largest IPv4 UDP or GRE payload: 65 535 − 20 (IPv4) − 8 (UDP or keyed GRE header).</summary>
    public const int MaxIpv4Payload = 65_507;

    /// <summary>Largest IPv6 UDP or GRE payload: 65 535 − 8 (the IPv6 header is not counted in its payload length).</summary>
    public const int MaxIpv6Payload = 65_527;

    /// <summary>Bytes per buffer for datagrams of at most <paramref name="maxDatagram"/> bytes.</summary>
    public static int BufferBytes(int maxDatagram) => Math.Max(MinBufferBytes, 2 * maxDatagram);
}
