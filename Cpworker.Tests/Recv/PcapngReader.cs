using System.Buffers.Binary;
using System.Text;

namespace Cpworker.Tests.Recv;

/// <summary>One enhanced packet block: its interface's name, time, flags and bytes.</summary>
internal sealed record PcapngPacket(int InterfaceId, string InterfaceName, long TimestampNanos, uint Flags, int OriginalLength, byte[] Data)
{
    /// <summary>The <c>epb_flags</c> direction: 0 unknown, 1 inbound, 2 outbound.</summary>
    public int Direction => (int)(Flags & 3);
}

/// <summary>
/// A strict reader of the little-endian pcapng files recv writes, written independently of it:
/// checks block lengths (leading = trailing), the section header, that every packet names a
/// described interface, and that interfaces use nanosecond timestamps.
/// </summary>
internal static class PcapngReader
{
    /// <summary>Reads every packet of <paramref name="path"/>.</summary>
    public static List<PcapngPacket> Read(string path)
    {
        byte[] f = File.ReadAllBytes(path);
        var names = new List<string>();
        var packets = new List<PcapngPacket>();
        int at = 0;
        bool sawSection = false;
        while (at < f.Length)
        {
            Assert.That(f.Length - at, Is.GreaterThanOrEqualTo(12), $"torn block at {at}");
            uint type = BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(at));
            int length = BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(at + 4));
            Assert.That(length % 4 == 0 && length >= 12 && at + length <= f.Length, Is.True, $"block length {length} at {at}");
            Assert.That(BinaryPrimitives.ReadInt32LittleEndian(f.AsSpan(at + length - 4)), Is.EqualTo(length), $"trailing length at {at}");
            ReadOnlySpan<byte> body = f.AsSpan(at + 8, length - 12);
            switch (type)
            {
                case 0x0A0D0D0A:
                    Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(body), Is.EqualTo(0x1A2B3C4Du), "byte-order magic");
                    sawSection = true;
                    break;
                case 1:
                    Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(body), Is.EqualTo(1), "link type Ethernet");
                    string name = "";
                    bool nanos = false;
                    foreach ((ushort code, byte[] value) in Options(body[8..]))
                    {
                        name = code == 2 ? Encoding.UTF8.GetString(value) : name;
                        nanos |= code == 9 && value.Length == 1 && value[0] == 9;
                    }

                    Assert.That(nanos, Is.True, "if_tsresol 9");
                    names.Add(name);
                    break;
                case 6:
                    int id = BinaryPrimitives.ReadInt32LittleEndian(body);
                    Assert.That(id, Is.LessThan(names.Count), "packet of an undescribed interface");
                    long ts = (long)((ulong)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]) << 32 | BinaryPrimitives.ReadUInt32LittleEndian(body[8..]));
                    int caplen = BinaryPrimitives.ReadInt32LittleEndian(body[12..]);
                    int original = BinaryPrimitives.ReadInt32LittleEndian(body[16..]);
                    byte[] data = body.Slice(20, caplen).ToArray();
                    uint flags = 0;
                    foreach ((ushort code, byte[] value) in Options(body[(20 + ((caplen + 3) & ~3))..]))
                    {
                        flags = code == 2 ? BinaryPrimitives.ReadUInt32LittleEndian(value) : flags;
                    }

                    packets.Add(new PcapngPacket(id, names[id], ts, flags, original, data));
                    break;
                default:
                    Assert.Fail($"unexpected block type {type:x} at {at}");
                    break;
            }

            at += length;
        }

        Assert.That(sawSection, Is.True, "a section header");
        return packets;
    }

    private static List<(ushort Code, byte[] Value)> Options(ReadOnlySpan<byte> o)
    {
        var list = new List<(ushort, byte[])>();
        int at = 0;
        while (at + 4 <= o.Length)
        {
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(o[at..]);
            ushort length = BinaryPrimitives.ReadUInt16LittleEndian(o[(at + 2)..]);
            if (code == 0)
            {
                break;
            }

            list.Add((code, o.Slice(at + 4, length).ToArray()));
            at += 4 + ((length + 3) & ~3);
        }

        return list;
    }
}
