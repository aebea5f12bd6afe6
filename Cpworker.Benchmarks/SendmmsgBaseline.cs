using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Outputs;
using Cpworker.Outputs.Common;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cpworker.Benchmarks;

/// <summary>
/// The kernel's limit for the datagram outputs on this machine: a plain <c>sendmmsg</c> loop, 64
/// datagrams per call, to loopback (UDP to a bound socket nobody reads, and raw GRE), next to
/// cpworker's <see cref="DatagramTransport"/> sending the same. Callable (<see cref="Measure"/>) and
/// as a BenchmarkDotNet suite; packets/s = 1 / the reported time per operation.
/// Run: <c>dotnet run -c Release --project Cpworker.Benchmarks -- --filter '*SendmmsgBaseline*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public unsafe class SendmmsgBaseline : IDisposable
{
    /// <summary>Datagrams per <c>sendmmsg</c> call.</summary>
    public const int Batch = 64;

    /// <summary>Calls per benchmark invocation.</summary>
    private const int Calls = 16;

    private Socket? _udp;
    private Socket? _gre;
    private Socket? _sink;
    private IPEndPoint _udpTarget = null!;
    private SendBuffer _buffer = null!;
    private DatagramTransport? _udpTransport;
    private DatagramTransport? _greTransport;
    private MMsgHdr* _messages;
    private IoVec* _iov;
    private byte* _udpAddress;
    private byte* _greAddress;

    /// <summary>Datagram size in bytes.</summary>
    [Params(512)]
    public int Size { get; set; } = 512;

    /// <summary>
    /// Packets per second of a plain loop for <paramref name="duration"/>: UDP when <paramref name="gre"/>
    /// is false, else raw GRE. <c>PerCpuSecond</c> divides by the thread's CPU time instead of the
    /// wall clock, which stays meaningful on a machine shared with other work.
    /// </summary>
    public static (double PerSecond, double PerCpuSecond) Measure(bool gre, int size, TimeSpan duration)
    {
        using var b = new SendmmsgBaseline { Size = size };
        b.Setup();
        long packets = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            if (gre)
            {
                b.PlainRawGre();
            }
            else
            {
                b.PlainUdp();
            }

            packets += Batch * Calls;
        }

        double wall = clock.Elapsed.TotalSeconds;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        return (packets / wall, packets / Math.Max(cpu, 1e-9));
    }

    [GlobalSetup]
    public void Setup()
    {
        _sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4096 };
        _sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _udpTarget = (IPEndPoint)_sink.LocalEndPoint!;
        _udp = DatagramSockets.CreateUdp(_udpTarget, null, null);
        _gre = DatagramSockets.CreateRawGre(IPAddress.Loopback, null, null);

        _buffer = new SendBuffer(Batch * Size, Batch);
        _buffer.All.Fill(0x5A);
        for (int i = 0; i < Batch; i++)
        {
            _buffer.AddMessage(Size, Size);
        }

        byte[] udpAddress = DatagramSockets.NativeAddress(_udpTarget);
        byte[] greAddress = DatagramSockets.NativeAddress(new IPEndPoint(IPAddress.Loopback, 0));
        _udpAddress = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)udpAddress.Length);
        _greAddress = (byte*)System.Runtime.InteropServices.NativeMemory.Alloc((nuint)greAddress.Length);
        udpAddress.CopyTo(new Span<byte>(_udpAddress, udpAddress.Length));
        greAddress.CopyTo(new Span<byte>(_greAddress, greAddress.Length));
        _messages = (MMsgHdr*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(Batch, (nuint)sizeof(MMsgHdr));
        _iov = (IoVec*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(Batch, (nuint)sizeof(IoVec));
        for (int i = 0; i < Batch; i++)
        {
            _iov[i].Base = _buffer.Pointer + (i * Size);
            _iov[i].Length = (nuint)Size;
            _messages[i].Header.Iov = _iov + i;
            _messages[i].Header.IovLength = 1;
        }

        var context = new OutputContext
        {
            TaskName = "bench",
            Config = new Engine.Configuration.OutputConfig { Type = "vxlan", Settings = new Outputs.Vxlan.VxlanSettings { Host = "127.0.0.1" } },
            Logger = NullLogger.Instance,
            Time = TimeProvider.System,
            Counters = new OutputCounters(),
            CaptureSnaplen = 2048,
        };
        _udpTransport = new DatagramTransport(DatagramSockets.CreateUdp(_udpTarget, null, null), _udpTarget, Batch, context);
        _greTransport = new DatagramTransport(DatagramSockets.CreateRawGre(IPAddress.Loopback, null, null), new IPEndPoint(IPAddress.Loopback, 0), Batch, context);
    }

    /// <summary>Plain sendmmsg loop, UDP.</summary>
    [Benchmark(OperationsPerInvoke = Batch * Calls)]
    public void PlainUdp() => Loop(_udp!, _udpAddress, 16);

    /// <summary>Plain sendmmsg loop, raw GRE (protocol 47).</summary>
    [Benchmark(OperationsPerInvoke = Batch * Calls)]
    public void PlainRawGre() => Loop(_gre!, _greAddress, 16);

    /// <summary>cpworker's transport, UDP (VXLAN).</summary>
    [Benchmark(OperationsPerInvoke = Batch * Calls)]
    public void TransportUdp()
    {
        for (int c = 0; c < Calls; c++)
        {
            _udpTransport!.Send(_buffer);
        }
    }

    /// <summary>cpworker's transport, raw GRE.</summary>
    [Benchmark(OperationsPerInvoke = Batch * Calls)]
    public void TransportRawGre()
    {
        for (int c = 0; c < Calls; c++)
        {
            _greTransport!.Send(_buffer);
        }
    }

    private void Loop(Socket socket, byte* address, uint addressLength)
    {
        int fd = (int)socket.SafeHandle.DangerousGetHandle();
        for (int i = 0; i < Batch; i++)
        {
            _messages[i].Header.Name = address;
            _messages[i].Header.NameLength = addressLength;
        }

        for (int c = 0; c < Calls; c++)
        {
            int sent = 0;
            while (sent < Batch)
            {
                int r = SocketInterop.SendMMsg(fd, _messages + sent, (uint)(Batch - sent), SocketInterop.MsgDontWait);
                sent += r > 0 ? r : 1; // a refused datagram is skipped, as the transport does
            }
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _udp?.Dispose();
        _gre?.Dispose();
        _sink?.Dispose();
        _udpTransport?.Dispose();
        _greTransport?.Dispose();
        if (_messages is not null)
        {
            System.Runtime.InteropServices.NativeMemory.Free(_messages);
            System.Runtime.InteropServices.NativeMemory.Free(_iov);
            System.Runtime.InteropServices.NativeMemory.Free(_udpAddress);
            System.Runtime.InteropServices.NativeMemory.Free(_greAddress);
            _messages = null;
        }

        GC.SuppressFinalize(this);
    }
}
