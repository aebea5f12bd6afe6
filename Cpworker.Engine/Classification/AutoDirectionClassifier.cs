using System.Buffers.Binary;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Classification;

/// <summary>
/// <c>req_pattern</c> <c>auto</c>: a frame whose source MAC is the capture interface's own was sent
/// by this host (outgoing); any other was received (incoming). Immutable, allocation-free.
/// </summary>
internal sealed class AutoDirectionClassifier : IDirectionClassifier
{
    private const int EthernetHeaderLength = 14;
    private const int SourceMacOffset = 6;

    /// <summary>The interface's MAC as a 48-bit number (big-endian), compared in one step.</summary>
    private readonly ulong _mac;

    /// <summary>Creates the classifier for the interface whose MAC is <paramref name="mac"/> (6 bytes).</summary>
    public AutoDirectionClassifier(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != 6)
        {
            throw new ArgumentException("a MAC address has 6 bytes", nameof(mac));
        }

        _mac = ReadMac(mac);
    }

    /// <inheritdoc />
    public PacketDirection Classify(ReadOnlySpan<byte> frame)
    {
        // A frame without a whole Ethernet header is never exported; it has no direction either.
        if (frame.Length < EthernetHeaderLength)
        {
            return PacketDirection.Unknown;
        }

        return ReadMac(frame.Slice(SourceMacOffset, 6)) == _mac ? PacketDirection.Outgoing : PacketDirection.Incoming;
    }

    private static ulong ReadMac(ReadOnlySpan<byte> mac) =>
        ((ulong)BinaryPrimitives.ReadUInt32BigEndian(mac) << 16) | BinaryPrimitives.ReadUInt16BigEndian(mac.Slice(4, 2));
}
