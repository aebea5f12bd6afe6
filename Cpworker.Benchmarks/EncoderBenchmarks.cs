using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Outputs.Common;
using Cpworker.Outputs.Gre;
using Cpworker.Outputs.Vxlan;
using Cpworker.Outputs.Zmq;

namespace Cpworker.Benchmarks;

/// <summary>
/// Cost of the network encoders per packet, without sockets: each invocation encodes 64 packets
/// and ends the batch into a lane that hands the buffer straight back (as the rtc lane does after
/// its send). The allocation column must read 0 B.
/// Run: <c>dotnet run -c Release --project Cpworker.Benchmarks -- --filter '*EncoderBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class EncoderBenchmarks
{
    private const int Batch = 64;

    private byte[] _frame = null!;
    private byte[] _jumbo = null!;
    private GreEncoder _gre = null!;
    private VxlanEncoder _vni1 = null!;
    private VxlanEncoder _vni2 = null!;
    private VxlanEncoder _split = null!;
    private ZmqEncoder _zmq = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frame = Frame(payload: 512 - 54);
        _jumbo = Frame(payload: 8960);
        _gre = Attach(new GreEncoder(34, GreEncoder.MaxFrame(false)), 256 * 1024, DatagramBuffers.MaxMessages);
        _vni1 = Attach(new VxlanEncoder(VniKind.Vni1, 0x1A2, true, 0, false, VxlanEncoder.MaxPayload(false)), 256 * 1024, DatagramBuffers.MaxMessages);
        _vni2 = Attach(new VxlanEncoder(VniKind.Vni2, 0xDF024, false, 0, false, VxlanEncoder.MaxPayload(false)), 256 * 1024, DatagramBuffers.MaxMessages);
        _split = Attach(new VxlanEncoder(VniKind.Vni1, 0x1A2, false, 1400, true, VxlanEncoder.MaxPayload(false)), 1024 * 1024, 1024);
        _zmq = Attach(new ZmqEncoder(3, new byte[16], 0, TimeProvider.System, new OutputCounters().Packet), ZmqFormat.MaxMessageBytes, 1);
    }

    /// <summary>GRE, 512-byte frames.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void Gre() => Run(_gre, _frame);

    /// <summary>VXLAN vni1 with check byte and capture-time trailer, 512-byte frames.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void VxlanVni1() => Run(_vni1, _frame);

    /// <summary>VXLAN vni2, 512-byte frames.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void VxlanVni2() => Run(_vni2, _frame);

    /// <summary>VXLAN vni1 split: a 9014-byte TCP frame cut into 7 chunks of at most 1400 bytes, checksums recomputed.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void VxlanSplit() => Run(_split, _jumbo);

    /// <summary>A ZMQ record (tag insertion), 512-byte frames.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public void ZmqRecord() => Run(_zmq, _frame);

    private static void Run(OutputEncoder encoder, byte[] frame)
    {
        for (int i = 0; i < Batch; i++)
        {
            encoder.Encode(new Packet(frame, frame.Length, 1_700_000_000_123_456_789, PacketDirection.Incoming));
        }

        encoder.EndOfBatch();
    }

    private static T Attach<T>(T encoder, int bufferBytes, int maxMessages)
        where T : OutputEncoder
    {
        encoder.Attach(new RecyclingLane(bufferBytes, maxMessages));
        return encoder;
    }

    /// <summary>Ethernet / IPv4 / TCP with <paramref name="payload"/> bytes.</summary>
    private static byte[] Frame(int payload)
    {
        byte[] f = new byte[54 + payload];
        Convert.FromHexString("0a00000000020a000000000108004500000012344000400600000a0000010a000002" + "1f90c35000000001000000015010020000000000").CopyTo(f, 0);
        int ipLength = 40 + payload;
        f[16] = (byte)(ipLength >> 8);
        f[17] = (byte)ipLength;
        return f;
    }

    /// <summary>One buffer, handed back reset as soon as it is submitted (an inline lane whose send costs nothing).</summary>
    private sealed class RecyclingLane(int bufferBytes, int maxMessages) : ISendLane
    {
        private readonly SendBuffer _buffer = new(bufferBytes, maxMessages);

        public SendBuffer? TryRent() => _buffer;

        public void Submit(SendBuffer buffer) => buffer.Reset();

        public void Return(SendBuffer buffer) => buffer.Reset();
    }
}
