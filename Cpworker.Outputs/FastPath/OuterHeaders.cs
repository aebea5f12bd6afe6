using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Vxlan;

namespace Cpworker.Outputs.FastPath;

/// <summary>
/// Writes the headers the kernel would put in front of a GRE or VXLAN datagram (wire-formats.md §3):
/// Ethernet (next hop's MAC, interface MAC), IPv4 (TTL 64, ID advancing per datagram, DF unless
/// <c>pmtudisc</c> is <c>dont</c>, header checksum) or IPv6 (hop limit 64, a flow label fixed per
/// flow as the kernel's automatic one is), and for VXLAN a UDP header from the output socket's own
/// port with the checksum computed (mandatory over IPv6).
/// </summary>
/// <remarks>
/// The constant part is prepared once per next hop in <see cref="_template"/>; a datagram costs the
/// copy of its payload and one pass over it for the UDP checksum. One thread at a time.
/// </remarks>
internal sealed unsafe class OuterHeaders
{
    private const int EthernetLength = 14;
    private const int TimeToLive = 64;

    private readonly bool _ipv6;
    private readonly bool _udp;
    private readonly ushort _sourcePort;
    private readonly ushort _destinationPort;
    private readonly bool _dontFragment;
    private readonly UInt128 _destination;

    /// <summary>Ethernet + IP (+ UDP) header with every per-datagram field zero.</summary>
    private readonly byte[] _template = new byte[EthernetLength + 40 + 8];

    /// <summary>Sum of the IPv4 header's constant words (length, ID and checksum left out).</summary>
    private ulong _ipv4ConstantSum;

    /// <summary>Sum of the UDP pseudo-header's addresses, protocol and ports.</summary>
    private ulong _udpConstantSum;

    /// <summary>The next IPv4 identification.</summary>
    private ushort _nextId;

    /// <summary>
    /// Headers for datagrams to <paramref name="destination"/>: UDP from <paramref name="sourcePort"/> to
    /// <paramref name="destinationPort"/> when <paramref name="udp"/>, else GRE (IP protocol 47).
    /// </summary>
    public OuterHeaders(IPAddress destination, bool udp, ushort sourcePort, ushort destinationPort, PmtuDiscovery? pmtu)
    {
        _ipv6 = destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        _udp = udp;
        _sourcePort = sourcePort;
        _destinationPort = destinationPort;
        _dontFragment = pmtu != PmtuDiscovery.Dont; // the kernel's default (want) sets DF on what fits the path MTU
        Span<byte> raw = stackalloc byte[16];
        raw.Clear();
        destination.TryWriteBytes(raw, out _);
        _destination = MemoryMarshal.Read<UInt128>(raw);
        _nextId = (ushort)Random.Shared.Next(65536);
    }

    /// <summary>Bytes in front of the datagram: Ethernet, IP and (VXLAN) UDP.</summary>
    public int Length => EthernetLength + (_ipv6 ? 40 : 20) + (_udp ? 8 : 0);

    /// <summary>Bytes of IP header and UDP header: a datagram of n bytes is an IP packet of n + this.</summary>
    public int IpOverhead => (_ipv6 ? 40 : 20) + (_udp ? 8 : 0);

    /// <summary>Prepares the constant part for <paramref name="hop"/>; called when the next hop changes.</summary>
    public void SetNextHop(in NextHop hop)
    {
        Span<byte> t = _template;
        t.Clear();
        Span<byte> mac = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(mac, hop.DestinationMac);
        mac[..6].CopyTo(t);
        BinaryPrimitives.WriteUInt64LittleEndian(mac, hop.SourceMac);
        mac[..6].CopyTo(t[6..]);
        Span<byte> source = stackalloc byte[16];
        Span<byte> destination = stackalloc byte[16];
        UInt128 hopSource = hop.Source;
        MemoryMarshal.Write(source, in hopSource);
        UInt128 destinationRaw = _destination;
        MemoryMarshal.Write(destination, in destinationRaw);
        byte protocol = (byte)(_udp ? 17 : 47);
        Span<byte> ip = t[EthernetLength..];
        if (_ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(t[12..], 0x86DD);
            uint flowLabel = FlowLabel(source, destination);
            BinaryPrimitives.WriteUInt32BigEndian(ip, (6u << 28) | flowLabel);
            ip[6] = protocol;
            ip[7] = TimeToLive;
            source.CopyTo(ip[8..]);
            destination.CopyTo(ip[24..]);
            _udpConstantSum = InternetChecksum.Add(InternetChecksum.Add(0, source), destination) + protocol;
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(t[12..], 0x0800);
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip[6..], (ushort)(_dontFragment ? 0x4000 : 0));
            ip[8] = TimeToLive;
            ip[9] = protocol;
            source[..4].CopyTo(ip[12..]);
            destination[..4].CopyTo(ip[16..]);
            _ipv4ConstantSum = InternetChecksum.Add(0, ip[..20]);
            _udpConstantSum = InternetChecksum.Add(InternetChecksum.Add(0, source[..4]), destination[..4]) + protocol;
        }

        if (_udp)
        {
            Span<byte> udp = ip[(_ipv6 ? 40 : 20)..];
            BinaryPrimitives.WriteUInt16BigEndian(udp, _sourcePort);
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], _destinationPort);
            _udpConstantSum += (ulong)_sourcePort + _destinationPort;
        }
    }

    /// <summary>
    /// Writes the frame of <paramref name="datagram"/> at <paramref name="frame"/> (room for
    /// <see cref="Length"/> + its length) and returns the frame's length.
    /// </summary>
    public int Write(byte* frame, ReadOnlySpan<byte> datagram)
    {
        int headerLength = Length;
        var f = new Span<byte>(frame, headerLength + datagram.Length);
        _template.AsSpan(0, headerLength).CopyTo(f);
        datagram.CopyTo(f[headerLength..]);
        Span<byte> ip = f[EthernetLength..];
        int ipHeader = _ipv6 ? 40 : 20;
        int udpLength = 8 + datagram.Length;
        if (_ipv6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)((_udp ? 8 : 0) + datagram.Length));
        }
        else
        {
            ushort total = (ushort)(ipHeader + (_udp ? 8 : 0) + datagram.Length);
            ushort id = _nextId++;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], total);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], id);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Finish(_ipv4ConstantSum + total + id));
        }

        if (_udp)
        {
            Span<byte> udp = ip[ipHeader..];
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)udpLength);
            // Pseudo-header length + UDP length field (both udpLength) + the payload.
            ushort checksum = InternetChecksum.Finish(InternetChecksum.Add(_udpConstantSum + (2 * (ulong)udpLength), datagram));
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], checksum == 0 ? (ushort)0xFFFF : checksum);
        }

        return headerLength + datagram.Length;
    }

    /// <summary>A 20-bit flow label constant for the flow (the kernel derives its automatic label from a flow hash too).</summary>
    private uint FlowLabel(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        var hash = new HashCode();
        hash.AddBytes(source);
        hash.AddBytes(destination);
        hash.Add(_sourcePort);
        hash.Add(_destinationPort);
        uint label = (uint)hash.ToHashCode() & 0xFFFFF;
        return label == 0 ? 1u : label;
    }
}
