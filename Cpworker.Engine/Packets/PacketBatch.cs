using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Cpworker.Engine.Packets;

/// <summary>
/// A pinned block of frame bytes plus the descriptors of the packets in it: the unit that moves
/// through the stages and the pipeline's queues.
/// </summary>
/// <remarks>
/// Allocated once, on the pinned object heap, by <see cref="PacketBatchPool"/>. A batch has exactly
/// one owner at a time: whoever rented it from the pool, then whoever it was handed to. The last
/// owner returns it to the pool; after that it is no longer theirs to touch.
/// </remarks>
internal sealed unsafe class PacketBatch
{
    /// <summary>Frame bytes; pinned so that native code (libpcap copies, sendmmsg) can use pointers.</summary>
    private readonly byte[] _data;

    /// <summary>Address of <see cref="_data"/>[0]; valid for the batch's lifetime because the array is pinned.</summary>
    private readonly byte* _base;

    /// <summary>One entry per packet; the first <see cref="Count"/> are valid.</summary>
    private readonly PacketDescriptor[] _packets;

    /// <summary>Most blocks of lent memory one batch holds at once (<see cref="TryHold"/>).</summary>
    internal const int MaxHeldBlocks = 64;

    /// <summary>Blocks of <see cref="_lender"/> whose frames this batch describes: <c>_held[0.._heldCount)</c>.</summary>
    private readonly int[] _held = new int[MaxHeldBlocks];

    private int _heldCount;

    /// <summary>Who lent the blocks in <see cref="_held"/>; null while the batch holds none.</summary>
    private IFrameLender? _lender;

    internal PacketBatch(int dataBytes, int maxPackets)
    {
        _data = GC.AllocateUninitializedArray<byte>(dataBytes, pinned: true);
        _base = (byte*)Unsafe.AsPointer(ref _data[0]);
        _packets = new PacketDescriptor[maxPackets];
    }

    /// <summary>Number of packets in the batch.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of <see cref="Data"/> in use, counted from the start.</summary>
    public int BytesUsed { get; private set; }

    /// <summary>Size of the data block.</summary>
    public int DataCapacity => _data.Length;

    /// <summary>Maximum number of packets.</summary>
    public int PacketCapacity => _packets.Length;

    /// <summary>True when no further packet descriptor fits.</summary>
    public bool IsFull => Count == _packets.Length;

    /// <summary>The whole data block (frames lie at their descriptors' offsets).</summary>
    public Span<byte> Data => _data;

    /// <summary>Unused space after <see cref="BytesUsed"/>.</summary>
    public Span<byte> FreeSpace => _data.AsSpan(BytesUsed);

    /// <summary>Pointer to the data block; stable for the batch's lifetime.</summary>
    public byte* DataPointer => _base;

    /// <summary>Debug-only ownership flag: true while the batch sits in its pool.</summary>
    internal bool InPool { get; set; }

    /// <summary>The descriptor of packet <paramref name="index"/>.</summary>
    public ref PacketDescriptor this[int index]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            Debug.Assert((uint)index < (uint)Count);
            return ref _packets[index];
        }
    }

    /// <summary>The captured bytes of packet <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Frame(int index)
    {
        ref PacketDescriptor d = ref this[index];
        return new ReadOnlySpan<byte>((void*)d.Address, d.CaptureLength);
    }

    /// <summary>Copies a frame to the end of the batch. False when it does not fit (the batch is full).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryAppend(ReadOnlySpan<byte> frame, int originalLength, long timestampNanos)
    {
        if (Count == _packets.Length || frame.Length > _data.Length - BytesUsed)
        {
            return false;
        }

        frame.CopyTo(new Span<byte>(_base + BytesUsed, frame.Length));
        Commit(BytesUsed, frame.Length, originalLength, timestampNanos);
        return true;
    }

    /// <summary>
    /// Space for a frame of up to <paramref name="maxLength"/> bytes at the end of the batch, for a
    /// source that builds the frame in place (link-type normalisation); follow with
    /// <see cref="CommitTail"/>. Empty when it does not fit.
    /// </summary>
    public Span<byte> ReserveTail(int maxLength)
    {
        if (Count == _packets.Length || maxLength > _data.Length - BytesUsed)
        {
            return default;
        }

        return new Span<byte>(_base + BytesUsed, maxLength);
    }

    /// <summary>Adds the frame written at the start of the last <see cref="ReserveTail"/> span.</summary>
    public void CommitTail(int captureLength, int originalLength, long timestampNanos)
        => Commit(BytesUsed, captureLength, originalLength, timestampNanos);

    /// <summary>
    /// Marks <paramref name="bytes"/> more bytes of <see cref="FreeSpace"/> as used without adding
    /// packets: for a source that reads a block of records into the batch and then describes the
    /// frames inside it with <see cref="AddInPlace"/>.
    /// </summary>
    public void Advance(int bytes)
    {
        Debug.Assert(bytes >= 0 && bytes <= _data.Length - BytesUsed);
        BytesUsed += bytes;
    }

    /// <summary>Describes a frame that already lies inside the used part of the data block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AddInPlace(int offset, int captureLength, int originalLength, long timestampNanos)
    {
        Debug.Assert(offset >= 0 && offset + captureLength <= BytesUsed);
        if (Count == _packets.Length)
        {
            return false;
        }

        ref PacketDescriptor d = ref _packets[Count++];
        d.Address = (nint)(_base + offset);
        d.CaptureLength = captureLength;
        d.OriginalLength = originalLength;
        d.TimestampNanos = timestampNanos;
        d.Direction = PacketDirection.NotChecked;
        return true;
    }

    /// <summary>
    /// True when the batch already holds block <paramref name="block"/> of <paramref name="lender"/>
    /// (it was the last one taken): frames in it can be added with <see cref="AddLent"/> at once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Holds(IFrameLender lender, int block) => _heldCount > 0 && _held[_heldCount - 1] == block && ReferenceEquals(_lender, lender);

    /// <summary>
    /// Records that the batch holds block <paramref name="block"/> of <paramref name="lender"/> until
    /// it is reset (or returned to its pool), when <see cref="IFrameLender.Release"/> gives it back.
    /// The lender counts the hold itself. False when the batch holds as many blocks as it can, or
    /// blocks of another lender: it takes no more frames then.
    /// </summary>
    public bool TryHold(IFrameLender lender, int block)
    {
        if (_heldCount == MaxHeldBlocks || (_lender is not null && !ReferenceEquals(_lender, lender)))
        {
            return false;
        }

        _lender = lender;
        _held[_heldCount++] = block;
        return true;
    }

    /// <summary>
    /// Describes a frame that lies in lent memory (a block the batch holds: <see cref="TryHold"/>);
    /// nothing is copied. False when no descriptor is left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool AddLent(byte* frame, int captureLength, int originalLength, long timestampNanos)
    {
        Debug.Assert(_heldCount > 0, "lent frames need a held block");
        if (Count == _packets.Length)
        {
            return false;
        }

        ref PacketDescriptor d = ref _packets[Count++];
        d.Address = (nint)frame;
        d.CaptureLength = captureLength;
        d.OriginalLength = originalLength;
        d.TimestampNanos = timestampNanos;
        d.Direction = PacketDirection.NotChecked;
        return true;
    }

    /// <summary>Gives every held block back to its lender (their frames are no longer described).</summary>
    public void ReleaseHeld()
    {
        if (_heldCount == 0)
        {
            return;
        }

        IFrameLender lender = _lender!;
        for (int i = 0; i < _heldCount; i++)
        {
            lender.Release(_held[i]);
        }

        _heldCount = 0;
        _lender = null;
        Count = 0; // the descriptors pointed into what was just given back
    }

    /// <summary>Empties the batch for reuse, giving back the blocks it held. Bytes are not cleared.</summary>
    public void Reset()
    {
        ReleaseHeld();
        Count = 0;
        BytesUsed = 0;
    }

    private void Commit(int offset, int captureLength, int originalLength, long timestampNanos)
    {
        ref PacketDescriptor d = ref _packets[Count++];
        d.Address = (nint)(_base + offset);
        d.CaptureLength = captureLength;
        d.OriginalLength = originalLength;
        d.TimestampNanos = timestampNanos;
        d.Direction = PacketDirection.NotChecked;
        BytesUsed = offset + captureLength;
    }
}
