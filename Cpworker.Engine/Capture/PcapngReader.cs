using System.Buffers.Binary;
using Cpworker.Engine.Configuration;

namespace Cpworker.Engine.Capture;

/// <summary>
/// Parses pcapng blocks (docs/configuration.md, "pcap_file"): section headers (either byte order,
/// version 1), interface descriptions (link type, snaplen, <c>if_tsresol</c>, <c>if_tsoffset</c>),
/// enhanced, simple and obsolete packet blocks. Other blocks are skipped by their length. It does
/// no I/O: it is given the bytes from a block boundary and says what lies there.
/// </summary>
/// <remarks>
/// Bounded: a block above <see cref="MaxBlockLength"/> (other than one that is skipped unread), or
/// a section with more than <see cref="MaxInterfaces"/> interfaces, is damage. The interface list
/// is allocated once; nothing is allocated per packet.
/// </remarks>
internal sealed class PcapngReader
{
    /// <summary>Block type of a section header block (the same in both byte orders).</summary>
    public const uint SectionHeaderType = 0x0A0D0D0A;

    /// <summary>Largest block read whole: a packet of the largest snaplen with generous options.</summary>
    public const int MaxBlockLength = LibpcapCaptureConfig.MaxSnaplen + 64 * 1024;

    /// <summary>Most interfaces in one section.</summary>
    public const int MaxInterfaces = 4096;

    private const uint InterfaceType = 1;
    private const uint ObsoletePacketType = 2;
    private const uint SimplePacketType = 3;
    private const uint EnhancedPacketType = 6;
    private const uint ByteOrderMagic = 0x1A2B3C4D;

    /// <summary>The interfaces of the current section, in order.</summary>
    private readonly List<PcapngInterface> _interfaces = new(4);

    /// <summary>True when the current section is big-endian.</summary>
    private bool _swapped;

    /// <summary>True once a section header has been read.</summary>
    private bool _inSection;

    /// <summary>The interfaces of the current section.</summary>
    public IReadOnlyList<PcapngInterface> Interfaces => _interfaces;

    /// <summary>Forgets every section: the next block must be a section header (a new pass over the file).</summary>
    public void Reset()
    {
        _interfaces.Clear();
        _inSection = false;
        _swapped = false;
    }

    /// <summary>
    /// Looks at the block at the start of <paramref name="data"/>. <paramref name="blockLength"/> is
    /// its total length for every step but <see cref="PcapngStep.NeedMore"/> and
    /// <see cref="PcapngStep.Damaged"/>; the caller moves past it.
    /// </summary>
    public PcapngStep Next(ReadOnlySpan<byte> data, out long blockLength, out PcapngPacket packet, out string? damage)
    {
        blockLength = 0;
        packet = default;
        damage = null;
        if (data.Length < 12)
        {
            return PcapngStep.NeedMore;
        }

        uint type = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (type == SectionHeaderType)
        {
            uint bom = BinaryPrimitives.ReadUInt32LittleEndian(data[8..]);
            if (bom != ByteOrderMagic && BinaryPrimitives.ReverseEndianness(bom) != ByteOrderMagic)
            {
                return Damage(out damage, $"section header with byte-order magic 0x{bom:x8}");
            }

            _swapped = bom != ByteOrderMagic;
        }
        else if (!_inSection)
        {
            return Damage(out damage, $"not a pcapng file: it starts with block type 0x{type:x8}, not a section header");
        }
        else
        {
            type = Read32(data);
        }

        uint length = Read32(data[4..]);
        if (length < 12 || length % 4 != 0)
        {
            return Damage(out damage, $"block of type 0x{type:x} has a bad length {length}");
        }

        blockLength = length;
        bool known = type is SectionHeaderType or InterfaceType or EnhancedPacketType or SimplePacketType or ObsoletePacketType;
        if (!known)
        {
            return PcapngStep.Skip;
        }

        if (length > MaxBlockLength)
        {
            return Damage(out damage, $"block of type 0x{type:x} is {length} bytes, more than {MaxBlockLength}");
        }

        if (data.Length < length)
        {
            return PcapngStep.NeedMore;
        }

        ReadOnlySpan<byte> block = data[..(int)length];
        if (Read32(block[^4..]) != length)
        {
            return Damage(out damage, $"block of type 0x{type:x}: trailing length {Read32(block[^4..])} is not {length}");
        }

        return type switch
        {
            SectionHeaderType => Section(block, out damage),
            InterfaceType => Interface(block, out damage),
            EnhancedPacketType => Timed(block, obsolete: false, out packet, out damage),
            SimplePacketType => Simple(block, out packet, out damage),
            _ => Timed(block, obsolete: true, out packet, out damage),
        };
    }

    private PcapngStep Section(ReadOnlySpan<byte> block, out string? damage)
    {
        damage = null;
        if (block.Length < 28)
        {
            return Damage(out damage, $"section header of {block.Length} bytes, shorter than 28");
        }

        ushort major = Read16(block[12..]);
        if (major != 1)
        {
            return Damage(out damage, $"pcapng version {major}.{Read16(block[14..])} is not supported (1.x is)");
        }

        _interfaces.Clear();
        _inSection = true;
        return PcapngStep.Skip;
    }

    private PcapngStep Interface(ReadOnlySpan<byte> block, out string? damage)
    {
        damage = null;
        if (block.Length < 20)
        {
            return Damage(out damage, $"interface description of {block.Length} bytes, shorter than 20");
        }

        if (_interfaces.Count >= MaxInterfaces)
        {
            return Damage(out damage, $"more than {MaxInterfaces} interfaces in one section");
        }

        int linkType = Read16(block[8..]);
        if (!LinkTypeNormalizer.IsSupported(linkType))
        {
            return Damage(out damage, $"interface {_interfaces.Count} has link type {linkType}, which is not supported");
        }

        uint snaplen = Read32(block[12..]);
        bool binary = false;
        int exponent = 6;
        long offset = 0;
        ReadOnlySpan<byte> options = block[16..^4];
        while (options.Length >= 4)
        {
            ushort code = Read16(options);
            ushort size = Read16(options[2..]);
            if (code == 0)
            {
                break;
            }

            int padded = (size + 3) & ~3;
            if (4 + padded > options.Length)
            {
                return Damage(out damage, $"interface {_interfaces.Count}: option {code} of {size} bytes runs past its block");
            }

            ReadOnlySpan<byte> value = options.Slice(4, size);
            if (code == 9 && size == 1)
            {
                binary = (value[0] & 0x80) != 0;
                exponent = value[0] & 0x7F;
                if (binary ? exponent > 63 : exponent > 19)
                {
                    return Damage(out damage, $"interface {_interfaces.Count}: if_tsresol {(binary ? "2" : "10")}^-{exponent} is not supported");
                }
            }
            else if (code == 14 && size == 8)
            {
                offset = (long)Read64(value);
                if (offset is > 1L << 40 or < -(1L << 40))
                {
                    return Damage(out damage, $"interface {_interfaces.Count}: if_tsoffset {offset} s is out of range");
                }
            }

            options = options[(4 + padded)..];
        }

        int effective = snaplen == 0 || snaplen > LibpcapCaptureConfig.MaxSnaplen ? LibpcapCaptureConfig.MaxSnaplen : (int)snaplen;
        _interfaces.Add(new PcapngInterface(linkType, effective, binary, exponent, offset));
        return PcapngStep.Interface;
    }

    /// <summary>
    /// An enhanced packet block, or the obsolete packet block (<paramref name="obsolete"/>): the same
    /// layout, except that the obsolete one keeps the interface id in 16 bits (a drops count follows).
    /// </summary>
    private PcapngStep Timed(ReadOnlySpan<byte> block, bool obsolete, out PcapngPacket packet, out string? damage)
    {
        packet = default;
        damage = null;
        if (block.Length < 32)
        {
            return Damage(out damage, $"{(obsolete ? "packet" : "enhanced packet")} block of {block.Length} bytes, shorter than 32");
        }

        uint id = obsolete ? Read16(block[8..]) : Read32(block[8..]);
        ulong units = ((ulong)Read32(block[12..]) << 32) | Read32(block[16..]);
        return Describe(block, id, units, 28, Read32(block[20..]), Read32(block[24..]), out packet, out damage);
    }

    private PcapngStep Simple(ReadOnlySpan<byte> block, out PcapngPacket packet, out string? damage)
    {
        packet = default;
        damage = null;
        if (block.Length < 16)
        {
            return Damage(out damage, $"simple packet block of {block.Length} bytes, shorter than 16");
        }

        if (_interfaces.Count == 0)
        {
            return Damage(out damage, "simple packet block before any interface description");
        }

        // The frame fills the block up to the trailing length (its padding included); it is cut to
        // its original length and the interface's snaplen.
        uint original = Read32(block[8..]);
        uint present = (uint)(block.Length - 16);
        uint caplen = Math.Min(Math.Min(original, present), (uint)_interfaces[0].Snaplen);
        PcapngInterface nic = _interfaces[0];
        packet = new PcapngPacket(0, nic.LinkType, 12, (int)caplen, (int)Math.Min(original, int.MaxValue), 0);
        return PcapngStep.Packet;
    }

    private PcapngStep Describe(ReadOnlySpan<byte> block, uint id, ulong units, int dataOffset, uint caplen, uint original, out PcapngPacket packet, out string? damage)
    {
        packet = default;
        damage = null;
        if (id >= _interfaces.Count)
        {
            return Damage(out damage, $"packet of interface {id}, but the section has {_interfaces.Count}");
        }

        if (caplen > block.Length - dataOffset - 4)
        {
            return Damage(out damage, $"packet caplen {caplen} is larger than its block ({block.Length} bytes)");
        }

        if (caplen > LibpcapCaptureConfig.MaxSnaplen)
        {
            return Damage(out damage, $"packet caplen {caplen} is larger than {LibpcapCaptureConfig.MaxSnaplen}");
        }

        PcapngInterface nic = _interfaces[(int)id];
        int kept = (int)Math.Min(caplen, (uint)nic.Snaplen);
        packet = new PcapngPacket((int)id, nic.LinkType, dataOffset, kept, (int)Math.Min(Math.Max(original, caplen), int.MaxValue), nic.ToNanos(units));
        return PcapngStep.Packet;
    }

    private static PcapngStep Damage(out string? damage, string text)
    {
        damage = text;
        return PcapngStep.Damaged;
    }

    private uint Read32(ReadOnlySpan<byte> b) => _swapped ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

    private ushort Read16(ReadOnlySpan<byte> b) => _swapped ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private ulong Read64(ReadOnlySpan<byte> b) => _swapped ? BinaryPrimitives.ReadUInt64BigEndian(b) : BinaryPrimitives.ReadUInt64LittleEndian(b);
}
