using Cpworker.Engine.Packets;
using System.Buffers.Binary;

namespace Cpworker.Engine.Classification;

/// <summary>
/// Finds a frame's IP addresses and transport ports for direction detection (docs/direction.md, "Headers understood"):
/// Ethernet, any depth of VLAN tags, IPv4, IPv6 with its extension headers, TCP/UDP/SCTP, and
/// the inner packet of VXLAN on UDP destination ports 4700–4799.
/// </summary>
/// <remarks>
/// Frames arrive truncated (snaplen, slicing) or malformed. Every read is bounded by the captured
/// bytes: whatever cannot be read is absent (no address, or no port) and parsing never throws.
/// Nothing is allocated; the result is a stack value.
/// </remarks>
internal static class FrameHeaderParser
{
    /// <summary>Lowest UDP destination port whose payload is taken as VXLAN (as the C implementation).</summary>
    public const int VxlanFirstPort = 4700;

    /// <summary>Highest such port.</summary>
    public const int VxlanLastPort = 4799;

    private const int EthernetHeaderLength = 14;
    private const int UdpHeaderLength = 8;
    private const int VxlanHeaderLength = 8;
    private const int IPv4MinHeaderLength = 20;
    private const int IPv6HeaderLength = 40;

    private const ushort EtherTypeIPv4 = 0x0800;
    private const ushort EtherTypeIPv6 = 0x86DD;

    private const byte ProtocolHopByHop = 0;
    private const byte ProtocolTcp = 6;
    private const byte ProtocolUdp = 17;
    private const byte ProtocolRouting = 43;
    private const byte ProtocolFragment = 44;
    private const byte ProtocolAuthentication = 51;
    private const byte ProtocolDestinationOptions = 60;
    private const byte ProtocolSctp = 132;

    /// <summary>The addresses and ports of <paramref name="frame"/>; absent parts are left default.</summary>
    public static void Parse(ReadOnlySpan<byte> frame, out PacketEndpoints endpoints)
    {
        endpoints = default;
        ParseEthernet(frame, ref endpoints, unwrapVxlan: true);
    }

    private static void ParseEthernet(ReadOnlySpan<byte> frame, ref PacketEndpoints endpoints, bool unwrapVxlan)
    {
        int l2 = EthernetHeader.L2Length(frame, out ushort etherType);
        if (l2 < 0)
        {
            return;
        }

        ReadOnlySpan<byte> network = frame.Slice(l2);
        if (etherType == EtherTypeIPv4)
        {
            ParseIPv4(network, ref endpoints, unwrapVxlan);
        }
        else if (etherType == EtherTypeIPv6)
        {
            ParseIPv6(network, ref endpoints, unwrapVxlan);
        }
    }


    private static void ParseIPv4(ReadOnlySpan<byte> ip, ref PacketEndpoints endpoints, bool unwrapVxlan)
    {
        if (ip.Length < IPv4MinHeaderLength || ip[0] >> 4 != 4)
        {
            return;
        }

        // An IHL below 5 means the header is not IPv4 as sent: trust nothing in it.
        int headerLength = (ip[0] & 0x0F) * 4;
        if (headerLength < IPv4MinHeaderLength)
        {
            return;
        }

        endpoints.Source.SetAddress(ip.Slice(12, 4));
        endpoints.Destination.SetAddress(ip.Slice(16, 4));

        // Options beyond the captured bytes: the addresses are known, the ports are not.
        if (headerLength > ip.Length)
        {
            return;
        }

        // Only the first fragment (offset 0) carries the transport header.
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(6, 2)) & 0x1FFF) != 0)
        {
            return;
        }

        ParseTransport(ip[9], ip.Slice(headerLength), ref endpoints, unwrapVxlan);
    }

    private static void ParseIPv6(ReadOnlySpan<byte> ip, ref PacketEndpoints endpoints, bool unwrapVxlan)
    {
        if (ip.Length < IPv6HeaderLength || ip[0] >> 4 != 6)
        {
            return;
        }

        endpoints.Source.SetAddress(ip.Slice(8, 16));
        endpoints.Destination.SetAddress(ip.Slice(24, 16));

        // Walk the extension header chain. Each header is at least 8 bytes long and the walk stops
        // at the end of the captured bytes, so the loop is bounded by the frame length.
        byte next = ip[6];
        int position = IPv6HeaderLength;
        while (true)
        {
            switch (next)
            {
                case ProtocolHopByHop:
                case ProtocolRouting:
                case ProtocolDestinationOptions:
                    if (position + 2 > ip.Length)
                    {
                        return;
                    }

                    next = ip[position];
                    position += (ip[position + 1] + 1) * 8;
                    break;

                case ProtocolFragment:
                    if (position + 8 > ip.Length)
                    {
                        return;
                    }

                    // Fragment offset in 8-byte units (upper 13 bits); only offset 0 has the transport header.
                    if ((BinaryPrimitives.ReadUInt16BigEndian(ip.Slice(position + 2, 2)) & 0xFFF8) != 0)
                    {
                        return;
                    }

                    next = ip[position];
                    position += 8;
                    break;

                case ProtocolAuthentication:
                    if (position + 2 > ip.Length)
                    {
                        return;
                    }

                    // RFC 4302: the AH length counts 4-byte units, minus 2.
                    next = ip[position];
                    position += (ip[position + 1] + 2) * 4;
                    break;

                default:
                    // Upper-layer protocol, ESP (50) or No Next Header (59): only TCP/UDP/SCTP have ports.
                    if (position <= ip.Length)
                    {
                        ParseTransport(next, ip.Slice(position), ref endpoints, unwrapVxlan);
                    }

                    return;
            }
        }
    }

    private static void ParseTransport(byte protocol, ReadOnlySpan<byte> transport, ref PacketEndpoints endpoints, bool unwrapVxlan)
    {
        if ((protocol != ProtocolTcp && protocol != ProtocolUdp && protocol != ProtocolSctp) || transport.Length < 4)
        {
            return;
        }

        // TCP, UDP and SCTP all start with source port, destination port.
        ushort destinationPort = BinaryPrimitives.ReadUInt16BigEndian(transport.Slice(2, 2));
        endpoints.Source.Port = BinaryPrimitives.ReadUInt16BigEndian(transport.Slice(0, 2));
        endpoints.Source.HasPort = true;
        endpoints.Destination.Port = destinationPort;
        endpoints.Destination.HasPort = true;

        if (unwrapVxlan
            && protocol == ProtocolUdp
            && destinationPort is >= VxlanFirstPort and <= VxlanLastPort
            && transport.Length >= UdpHeaderLength + VxlanHeaderLength + EthernetHeaderLength)
        {
            // One level only: an inner packet to 47xx is classified as it is, not unwrapped again.
            PacketEndpoints inner = default;
            ParseEthernet(transport.Slice(UdpHeaderLength + VxlanHeaderLength), ref inner, unwrapVxlan: false);

            // Only a complete inner packet (addresses and ports captured) replaces the outer one.
            if (inner.Source.HasPort)
            {
                endpoints = inner;
            }
        }
    }
}
