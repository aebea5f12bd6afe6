using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Cpworker.Outputs.Common;

/// <summary>
/// Cuts a pcap file left by a run that did not stop cleanly back to its last whole record, so that
/// readers see a valid file. Only files in this program's own format (little-endian classic pcap)
/// are touched.
/// </summary>
internal static class PcapFileRepair
{
    /// <summary>Bytes read at a time while walking the records.</summary>
    private const int ChunkBytes = 1 << 20;

    /// <summary>
    /// Truncates <paramref name="path"/> after its last whole record. Returns the number of bytes
    /// cut off, or -1 when the file is not a little-endian classic pcap file (left as it is).
    /// </summary>
    /// <exception cref="IOException">The file cannot be read or truncated.</exception>
    public static long TruncateToWholeRecords(string path)
    {
        using SafeFileHandle handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        long length = RandomAccess.GetLength(handle);
        byte[] chunk = new byte[ChunkBytes];
        int read = RandomAccess.Read(handle, chunk.AsSpan(0, PcapRecordEncoder.GlobalHeaderLength), 0);
        if (read < PcapRecordEncoder.GlobalHeaderLength)
        {
            return -1;
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(chunk);
        if (magic is not (PcapRecordEncoder.MicrosecondMagic or PcapRecordEncoder.NanosecondMagic))
        {
            return -1;
        }

        uint snaplen = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(16));
        uint maxCaplen = Math.Max(snaplen, PcapRecordEncoder.MaximumSnaplen);
        long offset = PcapRecordEncoder.GlobalHeaderLength;
        long chunkStart = 0;
        int chunkLength = 0;
        while (offset + PcapRecordEncoder.RecordHeaderLength <= length)
        {
            if (offset < chunkStart || offset + PcapRecordEncoder.RecordHeaderLength > chunkStart + chunkLength)
            {
                chunkStart = offset;
                chunkLength = RandomAccess.Read(handle, chunk, offset);
                if (chunkLength < PcapRecordEncoder.RecordHeaderLength)
                {
                    break;
                }
            }

            uint caplen = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan((int)(offset - chunkStart) + 8));
            long next = offset + PcapRecordEncoder.RecordHeaderLength + caplen;
            if (caplen > maxCaplen || next > length)
            {
                break; // a torn or garbled record: everything from here on is unreadable
            }

            offset = next;
        }

        long cut = length - offset;
        if (cut > 0)
        {
            RandomAccess.SetLength(handle, offset);
        }

        return cut;
    }
}
