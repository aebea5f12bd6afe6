using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Cpworker.Outputs.Common;

/// <summary>
/// The classic libpcap file format (docs/files.md, "The file format"), written little-endian as libpcap itself writes it
/// on this platform: a 24-byte global header, then per packet a 16-byte record header and the frame.
/// </summary>
/// <remarks>Pure and allocation-free; the file outputs' encoder calls it once per packet.</remarks>
internal static class PcapRecordEncoder
{
    /// <summary>Size of the file's global header.</summary>
    public const int GlobalHeaderLength = 24;

    /// <summary>Size of each record's header.</summary>
    public const int RecordHeaderLength = 16;

    /// <summary>Magic number of a file with microsecond timestamps.</summary>
    public const uint MicrosecondMagic = 0xA1B2C3D4;

    /// <summary>Magic number of a file with nanosecond timestamps.</summary>
    public const uint NanosecondMagic = 0xA1B23C4D;

    /// <summary><c>LINKTYPE_ETHERNET</c>: every frame an output sees starts with an Ethernet header.</summary>
    public const uint EthernetLinkType = 1;

    /// <summary>libpcap's largest snaplen for Ethernet (<c>MAXIMUM_SNAPLEN</c>); also the default when the capture's is unknown.</summary>
    public const int MaximumSnaplen = 262144;

    /// <summary>
    /// The snaplen a file declares (docs/files.md, "The file format"): <paramref name="slice"/> when it cuts below the
    /// capture's snaplen, else the capture's. No record of the file may be longer: libpcap would
    /// silently cut such a record when reading it.
    /// </summary>
    public static int FileSnaplen(int slice, int captureSnaplen)
    {
        int snaplen = captureSnaplen is > 0 and <= MaximumSnaplen ? captureSnaplen : MaximumSnaplen;
        return slice > 0 && slice < snaplen ? slice : snaplen;
    }

    /// <summary>Writes the 24-byte global header into <paramref name="destination"/>.</summary>
    public static void WriteGlobalHeader(Span<byte> destination, bool nanosecond, int snaplen, uint linkType = EthernetLinkType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, GlobalHeaderLength, nameof(destination));
        BinaryPrimitives.WriteUInt32LittleEndian(destination, nanosecond ? NanosecondMagic : MicrosecondMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], 2);  // version major
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 4);  // version minor
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], 0);   // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], 0); // sigfigs
        BinaryPrimitives.WriteUInt32LittleEndian(destination[16..], (uint)snaplen);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[20..], linkType);
    }

    /// <summary>A new global header.</summary>
    public static byte[] GlobalHeader(bool nanosecond, int snaplen)
    {
        byte[] header = new byte[GlobalHeaderLength];
        WriteGlobalHeader(header, nanosecond, snaplen);
        return header;
    }

    /// <summary>Bytes a record of <paramref name="frameLength"/> bytes takes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RecordLength(int frameLength) => RecordHeaderLength + frameLength;

    /// <summary>
    /// Writes one record (header and <paramref name="frame"/>) at the start of
    /// <paramref name="destination"/> and returns its length. <c>len</c> is never below
    /// <c>caplen</c> (a record claiming otherwise would be malformed); a capture time before the
    /// epoch is written as 0.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int WriteRecord(Span<byte> destination, ReadOnlySpan<byte> frame, int originalLength, long timestampNanos, bool nanosecond)
    {
        int total = RecordHeaderLength + frame.Length;
        if ((uint)destination.Length < (uint)total)
        {
            ThrowTooSmall();
        }

        long ts = timestampNanos < 0 ? 0 : timestampNanos;
        long seconds = ts / 1_000_000_000;
        long fraction = ts - seconds * 1_000_000_000;
        uint subsecond = nanosecond ? (uint)fraction : (uint)(fraction / 1000);
        ref byte d = ref destination[0];
        Unsafe.WriteUnaligned(ref d, ToLittleEndian((uint)seconds));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 4), ToLittleEndian(subsecond));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 8), ToLittleEndian((uint)frame.Length));
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref d, 12), ToLittleEndian((uint)Math.Max(originalLength, frame.Length)));
        frame.CopyTo(destination[RecordHeaderLength..]);
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ToLittleEndian(uint value) =>
        BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static void ThrowTooSmall() =>
        throw new ArgumentException("the destination is smaller than the record", "destination");
}
