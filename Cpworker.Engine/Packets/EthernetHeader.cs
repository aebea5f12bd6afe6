using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Cpworker.Engine.Packets;

/// <summary>The Ethernet header and its VLAN tag stack, as every part of cpworker reads them.</summary>
public static class EthernetHeader
{
    /// <summary>Bytes of an untagged Ethernet header.</summary>
    public const int Length = 14;

    /// <summary>True for the tag protocol identifiers cpworker treats as VLAN tags (docs/direction.md, "Headers understood").</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsVlanTpid(ushort etherType) => etherType is 0x8100 or 0x88A8 or 0x9100 or 0x9200;

    /// <summary>
    /// <c>l2_len</c>: 14 plus 4 per VLAN tag, and the innermost EtherType; -1 when the Ethernet
    /// header or the tag stack is not fully captured.
    /// </summary>
    public static int L2Length(ReadOnlySpan<byte> frame, out ushort etherType)
    {
        etherType = 0;
        if (frame.Length < Length)
        {
            return -1;
        }

        int l2 = Length;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        while (IsVlanTpid(type))
        {
            l2 += 4; // every turn advances, and stops at the end of the captured bytes
            if (frame.Length < l2)
            {
                return -1;
            }

            type = BinaryPrimitives.ReadUInt16BigEndian(frame[(l2 - 2)..]);
        }

        etherType = type;
        return l2;
    }
}
