using Cpworker.Engine.Packets;
using Cpworker.Outputs.Common;

namespace Cpworker.Outputs.Vxlan;

/// <summary>
/// Turns packets into VXLAN datagrams (docs/wire-formats.md, "VXLAN"): one per frame, or one per payload chunk with
/// <c>split</c>; each datagram has its own tag, check byte and trailer. Batched for <c>sendmmsg</c>.
/// </summary>
/// <remarks>Packet thread only; allocates nothing per packet. A split packet counts once.</remarks>
internal sealed class VxlanEncoder : DatagramEncoder
{
    private readonly VniKind _kind;
    private readonly uint _vni;
    private readonly bool _captureTime;
    private readonly int _trailer;
    private readonly int _maxFrame;
    private readonly int _splitSize;
    private readonly bool _recalculateChecksums;

    /// <summary>
    /// Creates the encoder. <paramref name="maxPayload"/> is the largest UDP payload for the
    /// destination's IP version; longer frames are truncated so that the datagram fits it.
    /// </summary>
    public VxlanEncoder(VniKind kind, uint vni, bool captureTime, int splitMaxPayloadSize, bool recalculateChecksums, int maxPayload)
    {
        _kind = kind;
        _vni = vni;
        _captureTime = captureTime;
        _trailer = captureTime ? VxlanFormat.TrailerLength : 0;
        _maxFrame = maxPayload - VxlanFormat.HeaderLength - _trailer;
        _splitSize = splitMaxPayloadSize;
        _recalculateChecksums = recalculateChecksums;
    }

    /// <summary>Longest UDP payload for an IPv4 or IPv6 destination.</summary>
    public static int MaxPayload(bool ipv6) => ipv6 ? DatagramBuffers.MaxIpv6Payload : DatagramBuffers.MaxIpv4Payload;

    /// <summary>Longest datagram this encoder writes when frames are at most <paramref name="snaplen"/> bytes.</summary>
    public int MaxDatagram(int snaplen) => VxlanFormat.HeaderLength + Math.Min(Math.Max(snaplen, 1), _maxFrame) + _trailer;

    /// <inheritdoc/>
    public override bool Encode(in Packet packet)
    {
        ReadOnlySpan<byte> frame = packet.Frame;
        if (_splitSize > 0 && VxlanSplit.TryParse(frame, out SplitLayout layout))
        {
            // Chunks must fit a datagram too: a limit close to 64 KiB is lowered by the repeated headers.
            int chunkSize = Math.Min(_splitSize, _maxFrame - layout.PayloadOffset);
            if (chunkSize > 0 && layout.PayloadLength > chunkSize)
            {
                return EncodeSplit(packet, layout, chunkSize);
            }
        }

        if (frame.Length > _maxFrame)
        {
            frame = frame[.._maxFrame];
        }

        Span<byte> d = Reserve(VxlanFormat.HeaderLength + frame.Length + _trailer);
        if (d.IsEmpty)
        {
            return false;
        }

        int length = VxlanFormat.Write(d, frame, _kind, _vni, packet.Direction, _captureTime, packet.TimestampNanos);
        Commit(length, packet.Frame.Length);
        return true;
    }

    private bool EncodeSplit(in Packet packet, in SplitLayout layout, int chunkSize)
    {
        ReadOnlySpan<byte> frame = packet.Frame;
        int chunks = VxlanSplit.ChunkCount(layout, chunkSize);
        int perDatagram = VxlanFormat.HeaderLength + layout.PayloadOffset + _trailer;
        MakeRoomFor(chunks, (chunks * perDatagram) + layout.PayloadLength);
        for (int offset = 0; offset < layout.PayloadLength; offset += chunkSize)
        {
            int length = Math.Min(chunkSize, layout.PayloadLength - offset);
            Span<byte> d = Reserve(perDatagram + length);
            if (d.IsEmpty)
            {
                // Congested part-way (a packet of more chunks than one buffer holds, pipeline model).
                // Nothing committed yet: an error drop. Otherwise the first chunk already carries the
                // packet's count (forwarded, or an error if its send fails): counting it again here
                // would count the packet twice; its remaining chunks are lost.
                return offset > 0;
            }

            VxlanFormat.WriteHeader(d, _kind, _vni, packet.Direction);
            int inner = VxlanSplit.WriteChunk(d[VxlanFormat.HeaderLength..], frame, layout, offset, length, _recalculateChecksums);
            int datagram = VxlanFormat.HeaderLength + inner;
            if (_captureTime)
            {
                VxlanFormat.WriteTrailer(d[datagram..], packet.TimestampNanos);
                datagram += VxlanFormat.TrailerLength;
            }

            if (_kind == VniKind.Vni1)
            {
                VxlanFormat.SetCheckByte(d[..datagram]);
            }

            Commit(datagram, offset == 0 ? frame.Length : -1);
        }

        return true;
    }
}
