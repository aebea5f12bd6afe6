using System.Runtime.CompilerServices;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// A pinned buffer of encoded output, handed from an output's encoder to its transport: a run of
/// datagrams (GRE, VXLAN), one message (ZMQ) or a run of file records.
/// </summary>
/// <remarks>
/// Owned by exactly one side at a time. The encoder rents it from its <see cref="ISendLane"/>,
/// fills it and submits it; from then on it belongs to the transport until the lane takes it back.
/// </remarks>
public sealed unsafe class SendBuffer
{
    /// <summary>The bytes; pinned so that the transport can pass pointers to the kernel.</summary>
    private readonly byte[] _data;

    /// <summary>Creates a buffer of <paramref name="capacity"/> bytes with room for <paramref name="maxMessages"/> datagrams.</summary>
    public SendBuffer(int capacity, int maxMessages)
    {
        _data = GC.AllocateUninitializedArray<byte>(capacity, pinned: true);
        Pointer = (byte*)Unsafe.AsPointer(ref _data[0]);
        MessageOffsets = new int[Math.Max(1, maxMessages)];
        MessageLengths = new int[Math.Max(1, maxMessages)];
        MessagePacketBytes = new int[Math.Max(1, maxMessages)];
    }

    /// <summary>Address of the first byte; stable for the buffer's lifetime.</summary>
    public byte* Pointer { get; }

    /// <summary>Size of the buffer.</summary>
    public int Capacity => _data.Length;

    /// <summary>Bytes written, from the start.</summary>
    public int Length { get; set; }

    /// <summary>The written bytes.</summary>
    public ReadOnlySpan<byte> Written => new(Pointer, Length);

    /// <summary>The unwritten rest of the buffer.</summary>
    public Span<byte> Free => new(Pointer + Length, _data.Length - Length);

    /// <summary>The whole buffer.</summary>
    public Span<byte> All => _data;

    /// <summary>Number of datagrams described by the message tables (datagram outputs only).</summary>
    public int MessageCount { get; set; }

    /// <summary>The largest <see cref="MessageCount"/>.</summary>
    public int MaxMessages => MessageOffsets.Length;

    /// <summary>Start of each datagram in the buffer.</summary>
    public int[] MessageOffsets { get; }

    /// <summary>Length of each datagram.</summary>
    public int[] MessageLengths { get; }

    /// <summary>
    /// For each datagram, the sliced length of the packet it begins, or -1 when it continues a
    /// packet begun by an earlier datagram (VXLAN split): a packet counts once, by its first datagram.
    /// </summary>
    public int[] MessagePacketBytes { get; }

    /// <summary>Packets represented in the buffer (a split packet once).</summary>
    public int PacketCount { get; set; }

    /// <summary>Sliced bytes of <see cref="PacketCount"/>.</summary>
    public long PacketBytes { get; set; }

    /// <summary>Monotonic time (<see cref="TimeProvider.GetTimestamp"/>) when the first record went in; for age-based flushing.</summary>
    public long FirstRecordTimestamp { get; set; }

    /// <summary>True when nothing has been written.</summary>
    public bool IsEmpty => Length == 0 && MessageCount == 0 && PacketCount == 0;

    /// <summary>Appends a datagram of <paramref name="length"/> bytes already written at <see cref="Free"/>.</summary>
    public void AddMessage(int length, int packetBytes)
    {
        int i = MessageCount++;
        MessageOffsets[i] = Length;
        MessageLengths[i] = length;
        MessagePacketBytes[i] = packetBytes;
        Length += length;
    }

    /// <summary>Empties the buffer. Bytes are not cleared.</summary>
    public void Reset()
    {
        Length = 0;
        MessageCount = 0;
        PacketCount = 0;
        PacketBytes = 0;
        FirstRecordTimestamp = 0;
    }
}
