using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Tests.Network;

/// <summary>Small builders shared by the network output tests.</summary>
internal static class NetTest
{
    /// <summary>An output context for <paramref name="settings"/> with fresh counters.</summary>
    public static OutputContext Context(OutputSettings settings, string type, TimeProvider? time = null, int snaplen = 262144) => new()
    {
        TaskName = "test",
        Config = new OutputConfig { Type = type, Settings = settings },
        Logger = NullLogger.Instance,
        Time = time ?? TimeProvider.System,
        Counters = new OutputCounters(),
        CaptureSnaplen = snaplen,
    };

    /// <summary>Runs one packet through <paramref name="encoder"/>.</summary>
    public static bool Encode(OutputEncoder encoder, byte[] frame, PacketDirection direction = PacketDirection.NotChecked, long timestampNanos = 0, int? originalLength = null) =>
        encoder.Encode(new Packet(frame, originalLength ?? frame.Length, timestampNanos, direction));

    /// <summary>Hex of <paramref name="bytes"/>, lower case.</summary>
    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Bytes of a hex string with spaces allowed.</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
}
