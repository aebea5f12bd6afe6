using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Outputs.Gre;

/// <summary>The GRE datagram of docs/wire-formats.md, "GRE": a keyed GRE header carrying the Ethernet frame. Pure functions.</summary>
internal static class GreFormat
{
    /// <summary>Bytes before the frame.</summary>
    public const int HeaderLength = 8;

    /// <summary>Flags and version: K (key present), version 0.</summary>
    public const ushort FlagsKeyPresent = 0x2000;

    /// <summary>Protocol type: Transparent Ethernet Bridging.</summary>
    public const ushort ProtocolTransparentEthernet = 0x6558;

    /// <summary>The key: <c>service_tag | direction &lt;&lt; 28</c>.</summary>
    public static uint Key(uint serviceTag, PacketDirection direction) => serviceTag | ((uint)direction << 28);

    /// <summary>
    /// Writes the datagram for <paramref name="frame"/> (already truncated to what the socket can
    /// carry) into <paramref name="destination"/> and returns its length.
    /// </summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> frame, uint serviceTag, PacketDirection direction)
    {
        int length = HeaderLength + frame.Length;
        Span<byte> d = destination[..length];
        BinaryPrimitives.WriteUInt16BigEndian(d, FlagsKeyPresent);
        BinaryPrimitives.WriteUInt16BigEndian(d[2..], ProtocolTransparentEthernet);
        BinaryPrimitives.WriteUInt32BigEndian(d[4..], Key(serviceTag, direction));
        frame.CopyTo(d[HeaderLength..]);
        return length;
    }
}
