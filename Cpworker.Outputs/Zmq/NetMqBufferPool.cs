using System.Collections.Concurrent;
using NetMQ;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// NetMQ's process-wide message buffer pool, replaced once: NetMQ's default allocates a new array
/// per message, and a batch of up to 1 MiB is a large object that would feed gen-2 collections.
/// The replacement pools with NetMQ's <see cref="BufferManagerBufferPool"/> and also reports when
/// a watched buffer comes back, which is the only sign NetMQ gives that a message has been written
/// to its TCP connection (see <see cref="ReturnWatch"/>).
/// </summary>
internal sealed class NetMqBufferPool : IBufferPool
{
    /// <summary>Most bytes the pool keeps: a few dozen full batches.</summary>
    public const long MaxPoolBytes = 64L << 20;

    private static int s_configured;

    private readonly BufferManagerBufferPool _inner = new(MaxPoolBytes, ZmqFormat.MaxMessageBytes);

    /// <summary>Buffers someone waits for, by reference.</summary>
    private readonly ConcurrentDictionary<byte[], ReturnWatch> _watched = new(ReferenceEqualityComparer.Instance);

    /// <summary>Entries in <see cref="_watched"/>; read on every return so that the common case costs one load.</summary>
    private int _watchCount;

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

    /// <inheritdoc/>
    public byte[] Take(int size) => _inner.Take(size);

    /// <inheritdoc/>
    public void Return(byte[] buffer)
    {
        if (Volatile.Read(ref _watchCount) != 0 && _watched.TryRemove(buffer, out ReturnWatch? watch))
        {
            Interlocked.Decrement(ref _watchCount);
            watch.Signal();
        }

        _inner.Return(buffer);
    }

    /// <summary>Signals <paramref name="watch"/> when <paramref name="buffer"/> comes back. Call before the buffer is handed to NetMQ.</summary>
    public void Watch(byte[] buffer, ReturnWatch watch)
    {
        watch.Reset();
        if (_watched.TryAdd(buffer, watch))
        {
            Interlocked.Increment(ref _watchCount);
        }
    }

    /// <summary>
    /// Stops <paramref name="watch"/> watching <paramref name="buffer"/> (its message was not sent, or
    /// a later one is watched instead); a watch another transport has since put on the same array stays.
    /// </summary>
    public void Unwatch(byte[] buffer, ReturnWatch watch)
    {
        if (_watched.TryRemove(KeyValuePair.Create(buffer, watch)))
        {
            Interlocked.Decrement(ref _watchCount);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();
}
