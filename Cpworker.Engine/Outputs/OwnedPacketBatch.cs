using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// Copies of consecutive packets of one output, with their direction and capture time, read from a
/// <see cref="PacketChannelOutput"/>. Pooled: the reader owns it until <see cref="Dispose"/>, which
/// gives it back for the next packets.
/// </summary>
/// <remarks>
/// <para>
/// Ownership: the engine fills a batch and writes it to the channel; from then on it belongs to
/// whoever reads it. Dispose every batch you read, once (<c>using</c>); after that its memory is no
/// longer yours and the next packets will overwrite it, so copy what you keep. A batch that is never
/// disposed is lost to the pool: once every batch is out, the output drops packets (counted as error
/// drops) — it never allocates more.
/// </para>
/// <para>
/// Any thread may read and dispose it; it is not meant to be read by two threads at once.
/// </para>
/// </remarks>
public sealed class OwnedPacketBatch : IDisposable
{
    /// <summary>Records laid out as <see cref="PacketBatchView"/> reads them: header, then the frame.</summary>
    private readonly byte[] _records;

    /// <summary>Where each record starts in <see cref="_records"/>.</summary>
    private readonly int[] _offsets;

    /// <summary>The pool the batch goes back to on <see cref="Dispose"/>.</summary>
    private readonly PacketChannelOutput _owner;

    /// <summary>Bytes of <see cref="_records"/> in use.</summary>
    private int _length;

    /// <summary>1 from the moment the engine rents the batch until it is disposed; 0 while pooled.</summary>
    private int _rented;

    internal OwnedPacketBatch(PacketChannelOutput owner, int bytes, int maxPackets)
    {
        _owner = owner;
        _records = GC.AllocateUninitializedArray<byte>(bytes);
        _offsets = new int[maxPackets];
    }

    /// <summary>The task whose packets these are.</summary>
    public string TaskName { get; private set; } = "";

    /// <summary>The output (<c>&lt;type&gt;-&lt;index&gt;</c>) that wrote them.</summary>
    public string OutputName { get; private set; } = "";

    /// <summary>Number of packets.</summary>
    public int Count { get; private set; }

    /// <summary>Sum of the packets' frame lengths (after the output's <c>slice</c>).</summary>
    public long Bytes { get; private set; }

    /// <summary>The packets, valid until <see cref="Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The batch was disposed.</exception>
    public PacketBatchView Packets
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _rented) == 0, this);
            return new PacketBatchView(_records.AsSpan(0, _length), _offsets.AsSpan(0, Count));
        }
    }

    /// <summary>Packet <paramref name="index"/> (0 … <see cref="Count"/> − 1); its frame is valid until <see cref="Dispose"/>.</summary>
    public Packet this[int index] => Packets[index];

    /// <summary>Enumerates the packets in capture order, for <c>foreach</c>.</summary>
    public PacketBatchView.Enumerator GetEnumerator() => Packets.GetEnumerator();

    /// <summary>Gives the batch back to its output's pool. The first call counts; later calls do nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 1)
        {
            _owner.Return(this);
        }
    }

    /// <summary>Engine: the batch leaves the pool for the output <paramref name="outputName"/> of <paramref name="taskName"/>, empty.</summary>
    internal void Rent(string taskName, string outputName)
    {
        TaskName = taskName;
        OutputName = outputName;
        Count = 0;
        Bytes = 0;
        _length = 0;
        Volatile.Write(ref _rented, 1);
    }

    /// <summary>Engine: true when a packet of <paramref name="frameLength"/> bytes fits.</summary>
    internal bool Fits(int frameLength) =>
        Count < _offsets.Length && _records.Length - _length >= PacketBatchView.RecordHeaderLength + frameLength;

    /// <summary>Engine: copies <paramref name="packet"/> in; call only after <see cref="Fits"/>.</summary>
    internal void Append(in Packet packet)
    {
        _offsets[Count++] = _length;
        _length += PacketBatchView.WriteRecord(_records.AsSpan(_length), packet);
        Bytes += packet.Frame.Length;
    }
}
