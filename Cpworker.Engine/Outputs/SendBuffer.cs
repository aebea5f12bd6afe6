using System.Runtime.CompilerServices;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// A pinned buffer of encoded output, handed from an output's encoder to its transport: a run of
/// datagrams (GRE, VXLAN), one message (ZMQ) or a run of file records.
/// </summary>
/// <remarks>
/// Owned by exactly one side at a time. The encoder rents it from its <see cref="ISendLane"/>,
/// fills it and submits it; from then on it belongs to the transport until the lane takes it back.
/// A transport that hands the bytes on without copying (ZMQ) swaps them for bytes of its own with
/// <see cref="ExchangeStorage"/> during its send.
/// </remarks>
public sealed unsafe class SendBuffer
{
    /// <summary>The bytes; pinned so that the transport can pass pointers to the kernel.</summary>
    private byte[] _data;

    /// <summary>Creates a buffer of <paramref name="capacity"/> bytes with room for <paramref name="maxMessages"/> datagrams.</summary>
    public SendBuffer(int capacity, int maxMessages)
    {
        _data = AllocateStorage(capacity);
        Pointer = (byte*)Unsafe.AsPointer(ref _data[0]);
        MessageOffsets = new int[Math.Max(1, maxMessages)];
        MessageLengths = new int[Math.Max(1, maxMessages)];
        MessagePacketBytes = new int[Math.Max(1, maxMessages)];
    }

    /// <summary>Address of the first byte; stable until <see cref="ExchangeStorage"/>.</summary>
    public byte* Pointer { get; private set; }

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

    /// <summary>Bytes for a <see cref="SendBuffer"/> of <paramref name="capacity"/>: pinned, so that <see cref="Pointer"/> stays valid.</summary>
    public static byte[] AllocateStorage(int capacity) => GC.AllocateUninitializedArray<byte>(capacity, pinned: true);

    /// <summary>
    /// Gives the written bytes away without copying them: the buffer takes <paramref name="replacement"/>
    /// as its storage (same length; from <see cref="AllocateStorage"/> or an earlier exchange) and
    /// returns the array it had, which from now on belongs to the caller. Only the transport calls
    /// this, during its send; the counts and lengths stay as they are.
    /// </summary>
    public byte[] ExchangeStorage(byte[] replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (replacement.Length != _data.Length)
        {
            throw new ArgumentException($"the replacement holds {replacement.Length} bytes, the buffer {_data.Length}", nameof(replacement));
        }

        byte[] old = _data;
        _data = replacement;
        Pointer = (byte*)Unsafe.AsPointer(ref replacement[0]);
        return old;
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
