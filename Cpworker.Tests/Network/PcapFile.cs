using System.Buffers.Binary;

namespace Cpworker.Tests.Network;

/// <summary>Reads the frames of a classic pcap file written by tcpdump (either byte order, µs or ns).</summary>
internal static class PcapFile
{
    /// <summary>The captured bytes of every record, in order.</summary>
    public static List<byte[]> Frames(string path)
    {
        byte[] f = System.IO.File.ReadAllBytes(path);
        var frames = new List<byte[]>();
        if (f.Length < 24)
        {
            return frames;
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(f);
        bool little = magic is 0xA1B2C3D4 or 0xA1B23C4D;
        int at = 24;
        while (at + 16 <= f.Length)
        {
            int caplen = (int)(little ? BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(at + 8)) : BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(at + 8)));
            if (at + 16 + caplen > f.Length)
            {
                break; // a record still being written
            }

            frames.Add(f.AsSpan(at + 16, caplen).ToArray());
            at += 16 + caplen;
        }

        return frames;
    }

    /// <summary>The link type in the file header (1 = Ethernet, 113 = Linux cooked).</summary>
    public static uint LinkType(string path) => BinaryPrimitives.ReadUInt32LittleEndian(System.IO.File.ReadAllBytes(path).AsSpan(20));
}
