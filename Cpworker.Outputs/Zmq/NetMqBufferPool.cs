using NetMQ;

namespace Cpworker.Outputs.Zmq;

/// <summary>
/// NetMQ's process-wide message buffer pool. Its default allocates a new array per message, and a
/// batch of up to 1 MiB is a large object: every send would feed gen-2 collections.
/// </summary>
internal static class NetMqBufferPool
{
    /// <summary>Most bytes the pool keeps: a few dozen full batches.</summary>
    public const long MaxPoolBytes = 64L << 20;

    private static int s_configured;

    /// <summary>Installs a pooling buffer manager once per process; later calls do nothing.</summary>
    public static void EnsureConfigured()
    {
        if (Interlocked.Exchange(ref s_configured, 1) == 0)
        {
            BufferPool.SetBufferManagerBufferPool(MaxPoolBytes, ZmqFormat.MaxMessageBytes);
        }
    }
}
