using BenchmarkDotNet.Attributes;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Scheduling;
using Cpworker.Outputs.Common;

namespace Cpworker.Benchmarks;

/// <summary>
/// Cost per packet of the file outputs' packet-thread work: the bare record write, and the whole
/// encoder (buffer bookkeeping and hand-over to an rtc lane whose transport discards). Both must
/// allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class PcapRecordEncoderBenchmarks
{
    private const int RecordsPerInvoke = 1024;

    private byte[] _frame = [];
    private byte[] _buffer = [];
    private PcapFileEncoder _encoder = null!;

    /// <summary>Frame length: the smallest Ethernet frame, a typical mixed size, a full one.</summary>
    [Params(64, 512, 1514)]
    public int FrameLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _frame = new byte[FrameLength];
        new Random(1).NextBytes(_frame);
        _buffer = GC.AllocateUninitializedArray<byte>(PcapFileBuffers.BufferBytes(262144), pinned: true);
        _encoder = new PcapFileEncoder(TimeProvider.System, nanosecond: false, snaplen: 262144);
        _encoder.Attach(new InlineSendLane(new DiscardTransport(), PcapFileBuffers.BufferBytes(262144), 1));
    }

    /// <summary>Header and frame copy into a buffer (<see cref="PcapRecordEncoder.WriteRecord"/>).</summary>
    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public int WriteRecord()
    {
        Span<byte> buffer = _buffer;
        int offset = 0;
        long ts = 1_700_000_000_000_000_000;
        for (int i = 0; i < RecordsPerInvoke; i++)
        {
            if (buffer.Length - offset < PcapRecordEncoder.RecordLength(_frame.Length))
            {
                offset = 0;
            }

            offset += PcapRecordEncoder.WriteRecord(buffer[offset..], _frame, _frame.Length, ts + i * 1000, nanosecond: false);
        }

        return offset;
    }

    /// <summary>The file encoder's <c>Encode</c>, buffers handed over as they fill (to a transport that discards).</summary>
    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public void Encode()
    {
        long ts = 1_700_000_000_000_000_000;
        for (int i = 0; i < RecordsPerInvoke; i++)
        {
            _encoder.Encode(new Packet(_frame, _frame.Length, ts + i * 1000, PacketDirection.NotChecked));
        }

        _encoder.EndOfBatch();
    }

    private sealed class DiscardTransport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
