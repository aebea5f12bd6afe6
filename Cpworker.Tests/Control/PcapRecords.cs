using System.Buffers.Binary;

namespace Cpworker.Tests.Control;

/// <summary>Reads the records of a classic little-endian pcap file (what the file output writes), for end-to-end checks.</summary>
internal static class PcapRecords
{
    /// <summary>(timestamp in µs or ns as written, frame) of every complete record.</summary>
    public static List<(long Timestamp, byte[] Frame)> Read(string path)
    {
        byte[] b = File.ReadAllBytes(path);
        var list = new List<(long, byte[])>();
        int i = 24;
        while (i + 16 <= b.Length)
        {
            long sec = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i));
            long frac = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i + 4));
            int caplen = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(i + 8));
            if (i + 16 + caplen > b.Length)
            {
                break;
            }

            list.Add((sec * 1_000_000 + frac, b.AsSpan(i + 16, caplen).ToArray()));
            i += 16 + caplen;
        }

        return list;
    }
}
