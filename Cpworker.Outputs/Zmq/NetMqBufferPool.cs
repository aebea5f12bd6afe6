using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using NetMQ;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// NetMQ's process-wide message buffer pool, replaced once. It lets a ZMQ output put its filled
/// batch array into a NetMQ message without copying it (<see cref="TryWrap"/>), and gives the
/// array back to that output's <see cref="ZmqBatchBuffers"/> when NetMQ closes the message: the
/// pool's return is the only sign NetMQ gives that a message has been written to its TCP
/// connection (or dropped). Other messages are pooled with NetMQ's <see cref="BufferManagerBufferPool"/>.
/// </summary>
internal sealed class NetMqBufferPool : IBufferPool
{
    /// <summary>Most bytes the pool keeps for messages that are not batches of an output.</summary>
    public const long MaxPoolBytes = 64L << 20;

    private static int s_configured;

    /// <summary>The array <see cref="TryWrap"/> hands to the next <see cref="Take"/> on this thread.</summary>
    [ThreadStatic]
    private static byte[]? t_handOver;

    /// <summary>What <see cref="IsInstalled"/> hands over to see whether it comes back.</summary>
    private static readonly byte[] s_probe = new byte[1];

    /// <summary>Requests above this size get a whole batch-sized array from <see cref="_batches"/>.</summary>
    private const int BatchArrayThreshold = 64 * 1024;

    /// <summary>Batch-sized arrays kept at most.</summary>
    private const int MaxPooledBatches = (int)(MaxPoolBytes / ZmqFormat.MaxMessageBytes);

    /// <summary>For NetMQ's own small messages.</summary>
    private readonly BufferManagerBufferPool _inner = new(MaxPoolBytes, BatchArrayThreshold);

    /// <summary>
    /// Free arrays of <see cref="ZmqFormat.MaxMessageBytes"/> for large messages that are not an
    /// output's batches (received ones, in a process that also receives); NetMQ's bucketed pool
    /// would allocate a new 1 MiB array for most of them.
    /// </summary>
    private readonly ConcurrentStack<byte[]> _batches = new();

    /// <summary>Whose batch array an array is, by reference; weak, so a lost array leaves no entry behind.</summary>
    private readonly ConditionalWeakTable<byte[], ZmqBatchBuffers> _owners = new();

    private NetMqBufferPool()
    {
    }

    /// <summary>The installed pool; null until <see cref="EnsureConfigured"/>.</summary>
    public static NetMqBufferPool? Instance { get; private set; }

    /// <summary>Installs the pool once per process; later calls do nothing.</summary>
    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref s_configured, 1) == 0)
        {
            var pool = new NetMqBufferPool();
            Instance = pool;
            BufferPool.SetCustomBufferPool(pool);
        }
    }

    /// <summary>
    /// Initialises <paramref name="msg"/> as a pooled message of the first <paramref name="length"/>
    /// bytes of <paramref name="array"/>, without copying. True when it worked: the message owns the
    /// array until NetMQ closes it, and then the array goes back to <paramref name="owner"/>. False
    /// when NetMQ's pool is not this one any more (something else replaced it): the message then
    /// holds a fresh array of that pool, for the caller to copy into, and <paramref name="array"/>
    /// is still the caller's (to put back with <see cref="ZmqBatchBuffers.PutBack"/>).
    /// </summary>
    public bool TryWrap(ref Msg msg, byte[] array, int length, ZmqBatchBuffers owner)
    {
        if (!_owners.TryGetValue(array, out ZmqBatchBuffers? known) || !ReferenceEquals(known, owner))
        {
            _owners.AddOrUpdate(array, owner); // a send buffer's own array, seen for the first time
        }

        t_handOver = array;
        try
        {
            msg.InitPool(length);
        }
        finally
        {
            t_handOver = null;
        }

        if (!MemoryMarshal.TryGetArray<byte>(msg.SliceAsMemory(), out ArraySegment<byte> held) || !ReferenceEquals(held.Array, array))
        {
            return false;
        }

        owner.HandedOver(); // before NetMQ can close the message
        return true;
    }

    /// <summary>True while NetMQ's pool is this one (checked by handing a probe through it).</summary>
    public static bool IsInstalled()
    {
        if (Instance is null)
        {
            return false;
        }

        t_handOver = s_probe;
        byte[] got;
        try
        {
            got = BufferPool.Take(1);
        }
        finally
        {
            t_handOver = null;
        }

        if (ReferenceEquals(got, s_probe))
        {
            return true;
        }

        BufferPool.Return(got);
        return false;
    }

    /// <summary>Forgets <paramref name="array"/>: it leaves its owner's circulation.</summary>
    public void Forget(byte[] array) => _owners.Remove(array);

    /// <inheritdoc/>
    public byte[] Take(int size)
    {
        byte[]? handOver = t_handOver;
        if (handOver is not null && size <= handOver.Length)
        {
            t_handOver = null;
            return handOver;
        }

        if (size <= BatchArrayThreshold || size > ZmqFormat.MaxMessageBytes)
        {
            return _inner.Take(size);
        }

        return _batches.TryPop(out byte[]? array) ? array : GC.AllocateUninitializedArray<byte>(ZmqFormat.MaxMessageBytes);
    }

    /// <inheritdoc/>
    public void Return(byte[] buffer)
    {
        if (ReferenceEquals(buffer, s_probe))
        {
            return;
        }

        if (_owners.TryGetValue(buffer, out ZmqBatchBuffers? owner))
        {
            if (!owner.Returned(buffer))
            {
                _owners.Remove(buffer);
            }

            return;
        }

        if (buffer.Length == ZmqFormat.MaxMessageBytes)
        {
            if (_batches.Count < MaxPooledBatches)
            {
                _batches.Push(buffer);
            }
        }
        else
        {
            _inner.Return(buffer);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
