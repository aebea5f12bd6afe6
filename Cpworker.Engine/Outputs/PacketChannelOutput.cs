using System.Threading.Channels;
using Cpworker.Engine.Threading;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// An output an application consumes as a <see cref="ChannelReader{T}"/>: <c>await foreach</c> over
/// batches of packet copies, with their direction and capture time, after the output's direction
/// filter, <c>slice</c> and <c>rate_limit_mbps</c>. Register it with
/// <c>CpworkerEngineOptions.AddOutput(type, output)</c> and name the type in the configuration
/// (docs/architecture.md, "Consuming packets as a channel").
/// </summary>
/// <remarks>
/// <para>
/// Bounded: <see cref="Capacity"/> batches of <see cref="BatchBytes"/> are allocated here, once, and
/// circulate between the engine and the reader (see <see cref="OwnedPacketBatch"/> for who owns a
/// batch when). The engine copies each packet into a batch on the packet thread and writes one batch
/// per captured batch with <c>TryWrite</c>; the reader's continuation runs on the thread pool, never
/// on a packet thread.
/// </para>
/// <para>
/// When the reader is slow and every batch is out: a live capture drops the packets that find no
/// batch and counts them as the output's error drops (<c>GetStatus</c>, <c>CpworkerMetrics</c>,
/// the summary log line), and never waits.
/// A replay (<c>pcap_file</c>, or a custom source with <c>IsReplay</c>) waits for the reader instead,
/// as the built-in outputs wait for a slow receiver, so a replay loses nothing; once the task is
/// stopping it waits at most the task's stop budget, then drops, counted. Every packet handed to the
/// output is thus forwarded (written to the channel) or counted as dropped.
/// </para>
/// <para>
/// The channel completes when the engine has stopped (<c>StopAsync</c> or <c>DisposeAsync</c>), after
/// every task has flushed its last batch; the reader still gets every batch written before that. A
/// task that fails and is retried, or that a reload rebuilds, keeps writing to the same channel.
/// One instance serves one engine; every output of its type, in every task, writes to it
/// (<see cref="OwnedPacketBatch.TaskName"/> and <see cref="OwnedPacketBatch.OutputName"/> tell them
/// apart).
/// </para>
/// </remarks>
public sealed class PacketChannelOutput
{
    /// <summary>Default <see cref="Capacity"/>: 16 batches.</summary>
    public const int DefaultCapacity = 16;

    /// <summary>Default <see cref="BatchBytes"/>: 256 KiB, room for a full batch of the capture.</summary>
    public const int DefaultBatchBytes = 256 * 1024;

    /// <summary>Packets a batch holds at most (the engine's largest capture batch).</summary>
    internal const int MaxPacketsPerBatch = 1024;

    /// <summary>Batches not in the engine's or the reader's hands; any thread rents and returns.</summary>
    private readonly BoundedQueue<OwnedPacketBatch> _free;

    /// <summary>Filled batches on their way to the reader; as large as the pool, so a write never finds it full.</summary>
    private readonly Channel<OwnedPacketBatch> _channel;

    /// <summary>Monitor a replay's packet thread waits on for a returned batch.</summary>
    private readonly object _returned = new();

    /// <summary>Packet threads waiting on <see cref="_returned"/>; a return pulses only when there is one.</summary>
    private int _waiters;

    /// <summary>Creates the output and its <paramref name="capacity"/> batches of <paramref name="batchBytes"/> bytes.</summary>
    /// <param name="capacity">Batches in flight at most (written and not yet disposed); at least 2.</param>
    /// <param name="batchBytes">Bytes per batch, 20 per packet plus its frame; at least 64 KiB + 20 so that any frame fits.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is below its minimum, or the pool would exceed 1 GiB.</exception>
    public PacketChannelOutput(int capacity = DefaultCapacity, int batchBytes = DefaultBatchBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchBytes, ushort.MaxValue + 1 + PacketBatchView.RecordHeaderLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)capacity * batchBytes, 1L << 30, nameof(capacity));
        Capacity = capacity;
        BatchBytes = batchBytes;
        _free = new BoundedQueue<OwnedPacketBatch>(capacity);
        for (int i = 0; i < capacity; i++)
        {
            _free.TryEnqueue(new OwnedPacketBatch(this, batchBytes, MaxPacketsPerBatch));
        }

        _channel = Channel.CreateBounded<OwnedPacketBatch>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // never reached: there are only Capacity batches
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>
    /// The batches, in capture order per output. Each batch read is the reader's until it disposes
    /// it. Completes when the engine has stopped.
    /// </summary>
    public ChannelReader<OwnedPacketBatch> Reader => _channel.Reader;

    /// <summary>Batches in flight at most.</summary>
    public int Capacity { get; }

    /// <summary>Bytes per batch.</summary>
    public int BatchBytes { get; }

    /// <summary>Batches free now (neither queued for nor held by the reader, nor being filled).</summary>
    public int FreeBatches => _free.Count;

    /// <summary>Packet thread: a free batch, or null when none is (and, with <paramref name="wait"/>, none came back before <paramref name="stop"/> ran out).</summary>
    internal OwnedPacketBatch? Rent(bool wait, StopClock stop)
    {
        if (_free.TryDequeue(out OwnedPacketBatch? batch) || !wait)
        {
            return batch;
        }

        Interlocked.Increment(ref _waiters);
        try
        {
            while (true)
            {
                lock (_returned)
                {
                    if (_free.TryDequeue(out batch))
                    {
                        return batch;
                    }

                    TimeSpan slice = stop.Limit(TimeSpan.FromMilliseconds(20));
                    if (slice <= TimeSpan.Zero)
                    {
                        return null; // the task is stopping and its budget is spent
                    }

                    Monitor.Wait(_returned, slice);
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    /// <summary>Packet thread: hands a filled batch to the reader. False once the channel has completed (the batch stays the caller's).</summary>
    internal bool TryWrite(OwnedPacketBatch batch) => _channel.Writer.TryWrite(batch);

    /// <summary>A disposed batch comes back.</summary>
    internal void Return(OwnedPacketBatch batch)
    {
        _free.TryEnqueue(batch); // cannot be full: the queue holds every batch there is
        Interlocked.MemoryBarrier(); // the batch is visible before we look for waiters (they look for batches after announcing themselves)
        if (Volatile.Read(ref _waiters) > 0)
        {
            lock (_returned)
            {
                Monitor.PulseAll(_returned);
            }
        }
    }

    /// <summary>Engine stop: no more batches; the reader drains what was written, then ends.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
