using System.Buffers.Binary;

namespace Cpworker.Benchmarks.Generation;

/// <summary>
/// One conversation of the generated capture: a client and a server (IPv4 or IPv6, TCP or UDP)
/// and the state that makes its packets look real — TCP sequence numbers in each direction, IPv4
/// identification — with every checksum correct.
/// </summary>
internal sealed class SyntheticFlow
{
    private const int EthernetLength = 14;

    private readonly byte[] _clientMac;
    private readonly byte[] _serverMac;
    private readonly byte[] _clientAddress;
    private readonly byte[] _serverAddress;
    private readonly ushort _clientPort;
    private readonly ushort _serverPort;
    private readonly uint _flowLabel;
    private uint _clientSequence;
    private uint _serverSequence;
    private ushort _ipId;

    /// <summary>Creates a flow; addresses are 4 or 16 bytes.</summary>
    public SyntheticFlow(bool tcp, byte[] clientMac, byte[] serverMac, byte[] clientAddress, byte[] serverAddress, ushort clientPort, ushort serverPort, ref DeterministicRandom random)
    {
        IsTcp = tcp;
        _clientMac = clientMac;
        _serverMac = serverMac;
        _clientAddress = clientAddress;
        _serverAddress = serverAddress;
        _clientPort = clientPort;
        _serverPort = serverPort;
        _clientSequence = (uint)random.NextUInt64();
        _serverSequence = (uint)random.NextUInt64();
        _ipId = (ushort)random.NextUInt64();
        _flowLabel = (uint)random.NextUInt64() & 0xFFFFF;
    }

    /// <summary>True for TCP, false for UDP.</summary>
    public bool IsTcp { get; }

    /// <summary>True for IPv6.</summary>
    public bool IsIPv6 => _clientAddress.Length == 16;

    /// <summary>Bytes before the payload: Ethernet, IP and TCP or UDP headers.</summary>
    public int HeaderLength => EthernetLength + (IsIPv6 ? 40 : 20) + (IsTcp ? 20 : 8);

    /// <summary>
    /// Writes a whole frame of <c>frame.Length</c> bytes (at least <see cref="HeaderLength"/>): headers,
    /// a random payload, correct IPv4, TCP and UDP checksums.
    /// </summary>
    public void Build(Span<byte> frame, bool fromClient, ref DeterministicRandom random)
    {
        int ipLength = IsIPv6 ? 40 : 20;
        int l4Length = IsTcp ? 20 : 8;
        Span<byte> ip = frame[EthernetLength..];
        Span<byte> l4 = ip[ipLength..];
        Span<byte> payload = l4[l4Length..];
        random.Fill(payload);
        byte[] src = fromClient ? _clientAddress : _serverAddress;
        byte[] dst = fromClient ? _serverAddress : _clientAddress;

        (fromClient ? _serverMac : _clientMac).CopyTo(frame);
        (fromClient ? _clientMac : _serverMac).CopyTo(frame[6..]);
        BinaryPrimitives.WriteUInt16BigEndian(frame[12..], IsIPv6 ? (ushort)0x86DD : (ushort)0x0800);

        int segmentLength = frame.Length - EthernetLength - ipLength;
        byte protocol = IsTcp ? (byte)6 : (byte)17;
        if (IsIPv6)
        {
            BinaryPrimitives.WriteUInt32BigEndian(ip, 0x6000_0000u | _flowLabel);
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], (ushort)segmentLength);
            ip[6] = protocol;
            ip[7] = 64; // hop limit
            src.CopyTo(ip[8..]);
            dst.CopyTo(ip[24..]);
        }
        else
        {
            ip[0] = 0x45;
            ip[1] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(frame.Length - EthernetLength));
            BinaryPrimitives.WriteUInt16BigEndian(ip[4..], _ipId++);
            BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // don't fragment
            ip[8] = 64;
            ip[9] = protocol;
            ip[10] = ip[11] = 0;
            src.CopyTo(ip[12..]);
            dst.CopyTo(ip[16..]);
            BinaryPrimitives.WriteUInt16BigEndian(ip[10..], Checksum.Fold(Checksum.Add(0, ip[..20])));
        }

        BinaryPrimitives.WriteUInt16BigEndian(l4, fromClient ? _clientPort : _serverPort);
        BinaryPrimitives.WriteUInt16BigEndian(l4[2..], fromClient ? _serverPort : _clientPort);
        if (IsTcp)
        {
            ref uint sequence = ref fromClient ? ref _clientSequence : ref _serverSequence;
            BinaryPrimitives.WriteUInt32BigEndian(l4[4..], sequence);
            BinaryPrimitives.WriteUInt32BigEndian(l4[8..], fromClient ? _serverSequence : _clientSequence);
            sequence += (uint)payload.Length;
            l4[12] = 5 << 4;   // data offset: 20 bytes
            l4[13] = 0x18;     // PSH, ACK
            BinaryPrimitives.WriteUInt16BigEndian(l4[14..], 501); // window
            BinaryPrimitives.WriteUInt32BigEndian(l4[16..], 0);   // checksum, urgent pointer
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(l4[4..], (ushort)segmentLength);
            BinaryPrimitives.WriteUInt16BigEndian(l4[6..], 0);
        }

        // Pseudo-header: addresses, protocol, segment length.
        uint sum = Checksum.Add(0, src);
        sum = Checksum.Add(sum, dst);
        sum += protocol + (uint)segmentLength;
        ushort checksum = Checksum.Fold(Checksum.Add(sum, l4[..segmentLength]));
        if (!IsTcp && checksum == 0)
        {
            checksum = 0xFFFF; // 0 means "no checksum" in UDP
        }

        BinaryPrimitives.WriteUInt16BigEndian(l4[(IsTcp ? 16 : 6)..], checksum);
    }
}
