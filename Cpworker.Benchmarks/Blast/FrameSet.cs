using System.Buffers.Binary;
using Cpworker.Benchmarks.Generation;

namespace Cpworker.Benchmarks.Blast;

/// <summary>
/// The frames a blast sends, in one contiguous array (read once, before the clock starts): the
/// records of a classic pcap file, or synthetic minimum-size UDP frames.
/// </summary>
internal sealed class FrameSet
{
    private FrameSet(byte[] data, int[] offsets, int[] lengths, int skipped)
    {
        Data = data;
        Offsets = offsets;
        Lengths = lengths;
        Skipped = skipped;
    }

    /// <summary>Every frame's bytes, back to back.</summary>
    public byte[] Data { get; }

    /// <summary>Where each frame starts in <see cref="Data"/>.</summary>
    public int[] Offsets { get; }

    /// <summary>Each frame's length.</summary>
    public int[] Lengths { get; }

    /// <summary>Records left out because they do not fit a slot or exceed the link's MTU.</summary>
    public int Skipped { get; }

    /// <summary>Number of frames.</summary>
    public int Count => Offsets.Length;

    /// <summary>Average frame length.</summary>
    public double AverageLength => Count == 0 ? 0 : Lengths.Average();

    /// <summary>
    /// Reads the records of a classic pcap file (either byte order, Ethernet) into memory, leaving
    /// out those longer than <paramref name="maxLength"/> or cut short by the snaplen.
    /// </summary>
    public static FrameSet Load(string path, int maxLength)
    {
        byte[] file = File.ReadAllBytes(path);
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(file);
        bool swapped = magic is 0xD4C3B2A1 or 0x4D3CB2A1;
        if (!swapped && magic is not (0xA1B2C3D4 or 0xA1B23C4D))
        {
            throw new ArgumentException($"{path} is not a classic pcap file");
        }

        var offsets = new List<int>();
        var lengths = new List<int>();
        int skipped = 0;
        int at = 24;
        while (at + 16 <= file.Length)
        {
            ReadOnlySpan<byte> record = file.AsSpan(at, 16);
            int caplen = (int)(swapped ? BinaryPrimitives.ReadUInt32BigEndian(record[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
            int length = (int)(swapped ? BinaryPrimitives.ReadUInt32BigEndian(record[12..]) : BinaryPrimitives.ReadUInt32LittleEndian(record[12..]));
            at += 16;
            if (caplen < 0 || at + caplen > file.Length)
            {
                break;
            }

            if (caplen == length && caplen >= 14 && caplen <= maxLength)
            {
                offsets.Add(at);
                lengths.Add(caplen);
            }
            else
            {
                skipped++;
            }

            at += caplen;
        }

        return new FrameSet(file, [.. offsets], [.. lengths], skipped);
    }

    /// <summary>
    /// <paramref name="flows"/> minimum-size frames (60 bytes, 64 on the wire): IPv4/UDP from one
    /// host to another, one source port per flow, so that a fanout hash spreads them.
    /// </summary>
    public static FrameSet MinimumSize(int flows)
    {
        const int length = 60;
        byte[] data = new byte[flows * length];
        var offsets = new int[flows];
        var lengths = new int[flows];
        for (int f = 0; f < flows; f++)
        {
            Span<byte> frame = data.AsSpan(f * length, length);
            byte[] dst = [0x02, 0x00, 0x5E, 0x00, 0x01, 0x01];
            byte[] src = [0x02, 0x42, 0xAC, 0x11, 0x00, 0x02];
            dst.CopyTo(frame);
            src.CopyTo(frame[6..]);
            BinaryPrimitives.WriteUInt16BigEndian(frame[12..], 0x0800);
            Span<byte> ip = frame[14..34];
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], 46); // 20 IP + 8 UDP + 18 payload
            ip[8] = 64;
            ip[9] = 17;
            byte[] s = [10, 0, 1, 10], d = [10, 0, 2, 1];
            s.CopyTo(ip[12..]);
            d.CopyTo(ip[16..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Fold(Checksum.Add(0, ip)));
            Span<byte> udp = frame[34..];
            BinaryPrimitives.WriteUInt16BigEndian(udp, (ushort)(32768 + f));
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], 5004);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], 26);
            offsets[f] = f * length;
            lengths[f] = length;
        }

        return new FrameSet(data, offsets, lengths, 0);
    }
}
