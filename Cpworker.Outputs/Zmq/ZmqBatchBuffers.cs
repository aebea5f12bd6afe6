using Cpworker.Engine.Outputs;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// The batch arrays of one ZMQ output that NetMQ sends without a copy (docs/wire-formats.md,
/// "Delivery and loss"). A filled <see cref="SendBuffer"/>'s array goes into a NetMQ message as
/// it is and the send buffer gets a free array from here in exchange; the array comes back through
/// <see cref="NetMqBufferPool"/> when NetMQ closes the message, which it does only after its
/// engine handed the last byte to the kernel (or dropped the message). No array is written while
/// NetMQ holds it.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Limit"/> arrays besides the send buffers' own. Up to <see cref="Kept"/>
/// are allocated with the output (untouched memory until used, and not during a run), more when
/// first needed, and those are dropped again as they come back after a congestion. <see cref="TryTake"/> runs on the transport's thread; <see cref="Returned"/> on
/// NetMQ's I/O thread (or the transport's, for a message that was not sent).
/// </remarks>
internal sealed class ZmqBatchBuffers : IDisposable
{
    /// <summary>Free arrays kept after a congestion: what a replay keeps in flight, and some.</summary>
    public const int Kept = ZmqTransport.ReplayQueueMessages + 2;

    private readonly object _gate = new();
    private readonly byte[][] _free;
    private readonly int _arrayBytes;
    private int _freeCount;

    /// <summary>Arrays this instance allocated and still counts as its own (free, in NetMQ or in a send buffer).</summary>
    private int _created;

    /// <summary>Arrays NetMQ holds.</summary>
    private int _outstanding;
    private bool _disposed;

    /// <summary>Creates an empty set for arrays of <paramref name="arrayBytes"/>; at most <paramref name="limit"/> are allocated.</summary>
    public ZmqBatchBuffers(int arrayBytes, int limit)
    {
        _arrayBytes = arrayBytes;
        Limit = Math.Max(1, limit);
        _free = new byte[Limit][]; // free + outstanding = created ≤ Limit: the send buffers always hold one array each
        while (_created < Math.Min(Limit, Kept))
        {
            _free[_freeCount++] = SendBuffer.AllocateStorage(arrayBytes);
            _created++;
        }
    }

    /// <summary>Most arrays allocated at once.</summary>
    public int Limit { get; }

    /// <summary>Length of every array.</summary>
    public int ArrayBytes => _arrayBytes;

    /// <summary>Arrays NetMQ holds now.</summary>
    public int Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _outstanding;
            }
        }
    }

    /// <summary>Arrays allocated and not dropped.</summary>
    public int Created
    {
        get
        {
            lock (_gate)
            {
                return _created;
            }
        }
    }

    /// <summary>
    /// A free array, allocating one while fewer than <see cref="Limit"/> exist, else waiting up to
    /// <paramref name="wait"/> for NetMQ to give one back; null when none came (congestion).
    /// </summary>
    public byte[]? TryTake(TimeSpan wait)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(Math.Max(0, wait.TotalMilliseconds));
        lock (_gate)
        {
            while (true)
            {
                if (_freeCount > 0)
                {
                    byte[] a = _free[--_freeCount];
                    _free[_freeCount] = null!;
                    return a;
                }

                if (_created < Limit)
                {
                    _created++;
                    return SendBuffer.AllocateStorage(_arrayBytes);
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return null;
                }

                Monitor.Wait(_gate, (int)left);
            }
        }
    }

    /// <summary>An array goes into a NetMQ message; it is NetMQ's until <see cref="Returned"/>.</summary>
    public void HandedOver()
    {
        lock (_gate)
        {
            _outstanding++;
        }
    }

    /// <summary>
    /// NetMQ closed the message that held <paramref name="array"/>: it is free again. Also wakes a
    /// transport waiting in <see cref="TryTake"/> or <see cref="WaitAllReturned"/>. Returns false
    /// when the array is dropped (this set is disposed, or holds enough free arrays).
    /// </summary>
    public bool Returned(byte[] array) => Release(array, handedOver: true);

    /// <summary>Puts back an array that never went into a message; false when it is dropped.</summary>
    public bool PutBack(byte[] array) => Release(array, handedOver: false);

    private bool Release(byte[] array, bool handedOver)
    {
        lock (_gate)
        {
            if (handedOver)
            {
                _outstanding--;
            }

            bool keep = !_disposed && _freeCount < Kept && _freeCount < _free.Length;
            if (keep)
            {
                _free[_freeCount++] = array;
            }
            else
            {
                _created--; // free + outstanding = created: one fewer in circulation
            }

            Monitor.PulseAll(_gate);
            return keep;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> until NetMQ has given back every array; true when it has.</summary>
    public bool WaitAllReturned(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        lock (_gate)
        {
            while (_outstanding > 0)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0 || !Monitor.Wait(_gate, (int)left))
                {
                    return _outstanding <= 0;
                }
            }

            return true;
        }
    }

    /// <summary>Drops the free arrays; those NetMQ still holds are dropped when they come back.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Array.Clear(_free);
            _freeCount = 0;
            Monitor.PulseAll(_gate);
        }
    }
}
