using System.Buffers.Binary;
using System.Net;
using System.Net.NetworkInformation;
using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Capture;
using Cpworker.Engine.Classification;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Benchmarks;

/// <summary>
/// Cost of deciding one packet's direction (docs/direction.md) on the packet path. Each operation
/// classifies one frame; the allocation column must read 0 B (nothing per packet).
/// Run: <c>dotnet run -c Release --project Cpworker.Benchmarks -- --filter '*DirectionClassifier*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class DirectionClassifierBenchmarks
{
    private const string Pattern = "(host nic.eth0 or host 192.168.7.7) and (port 80 or port 443 or port 8011)";

    private IDirectionClassifier _custom = null!;
    private IDirectionClassifier _auto = null!;
    private byte[] _frame = null!;

    /// <summary>Which frame is classified.</summary>
    [Params("ipv4-tcp", "qinq-ipv4-udp", "ipv6-ext-tcp", "vxlan-inner", "arp")]
    public string Frame { get; set; } = "ipv4-tcp";

    [GlobalSetup]
    public void Setup()
    {
        var eth0 = new InterfaceInfo(
            "eth0",
            new PhysicalAddress([0x02, 0, 0, 0, 0, 0x01]),
            [IPAddress.Parse("10.0.0.1"), IPAddress.Parse("2001:db8::1"), IPAddress.Parse("fe80::1")]);
        InterfaceInfo? Resolve(string name) => name == "eth0" ? eth0 : null;
        _custom = DirectionClassifierFactory.Create(new CustomDirectionConfig(Pattern), "eth0", Resolve)!;
        _auto = DirectionClassifierFactory.Create(new AutoDirectionConfig(), "eth0", Resolve)!;
        _frame = Frame switch
        {
            "ipv4-tcp" => Ether(0x0800, IPv4(6, Ports(5000, 80, 20))),
            "qinq-ipv4-udp" => Tagged(IPv4(17, Ports(5000, 443, 8))),
            "ipv6-ext-tcp" => Ether(0x86DD, IPv6WithExtensions()),
            "vxlan-inner" => Ether(0x0800, IPv4(17, [.. Ports(50000, 4789, 8), .. new byte[8], .. Ether(0x0800, IPv4(6, Ports(5000, 8011, 20)))])),
            _ => Ether(0x0806, new byte[28]),
        };

        if (_custom.Classify(_frame) == PacketDirection.Unknown && Frame != "arp")
        {
            throw new InvalidOperationException($"benchmark frame {Frame} does not match the pattern");
        }
    }

    /// <summary><c>custom</c>: parse the headers, run the compiled pattern on source, then destination.</summary>
    [Benchmark(Baseline = true)]
    public PacketDirection Custom() => _custom.Classify(_frame);

    /// <summary><c>auto</c>: one MAC comparison.</summary>
    [Benchmark]
    public PacketDirection Auto() => _auto.Classify(_frame);

    /// <summary>The header parsing part of <see cref="Custom"/> alone.</summary>
    [Benchmark]
    public ushort ParseHeaders()
    {
        FrameHeaderParser.Parse(_frame, out PacketEndpoints endpoints);
        return endpoints.Destination.Port;
    }

    private static byte[] Ether(ushort type, byte[] payload)
    {
        byte[] f = new byte[14 + payload.Length];
        f[5] = 2;
        f[6] = 2;
        f[11] = 9;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), type);
        payload.CopyTo(f, 14);
        return f;
    }

    private static byte[] Tagged(byte[] ip) =>
        Ether(0x88A8, [0, 100, 0x81, 0x00, 0, 10, 0x08, 0x00, .. ip]);

    private static byte[] IPv4(byte protocol, byte[] payload)
    {
        byte[] p = new byte[20 + payload.Length];
        p[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        p[8] = 64;
        p[9] = protocol;
        IPAddress.Parse("10.0.0.2").GetAddressBytes().CopyTo(p, 12);
        IPAddress.Parse("10.0.0.1").GetAddressBytes().CopyTo(p, 16);
        payload.CopyTo(p, 20);
        return p;
    }

    private static byte[] IPv6WithExtensions()
    {
        // Hop-by-hop (8) → destination options (8) → fragment (8, offset 0) → TCP.
        byte[] ext = [60, 0, 1, 4, 0, 0, 0, 0, 44, 0, 1, 4, 0, 0, 0, 0, 6, 0, 0, 1, 0, 0, 0, 7];
        byte[] payload = [.. ext, .. Ports(5000, 80, 20)];
        byte[] p = new byte[40 + payload.Length];
        p[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), (ushort)payload.Length);
        p[6] = 0;
        p[7] = 64;
        IPAddress.Parse("2001:db8::2").GetAddressBytes().CopyTo(p, 8);
        IPAddress.Parse("2001:db8::1").GetAddressBytes().CopyTo(p, 24);
        payload.CopyTo(p, 40);
        return p;
    }

    private static byte[] Ports(ushort source, ushort destination, int headerLength)
    {
        byte[] h = new byte[headerLength];
        BinaryPrimitives.WriteUInt16BigEndian(h, source);
        BinaryPrimitives.WriteUInt16BigEndian(h.AsSpan(2), destination);
        return h;
    }
}
