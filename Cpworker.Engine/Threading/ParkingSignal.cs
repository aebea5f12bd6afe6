namespace Cpworker.Engine.Threading;

/// <summary>
/// Lets one waiting thread sleep until another thread has made progress, without a syscall on the
/// waker's side unless the waiter is actually asleep.
/// </summary>
/// <remarks>
/// Protocol for the waiter: <see cref="PrepareToPark"/>, re-check the condition, then
/// <see cref="Park"/>. The waker calls <see cref="Wake"/> after making the condition true. Parks
/// are always bounded by a timeout, so a lost wake-up costs latency, never liveness.
/// </remarks>
internal sealed class ParkingSignal : IDisposable
{
    /// <summary>Set while a waiter may be asleep; the waker only signals the event when it is.</summary>
    private int _parked;

    /// <summary>The event the waiter sleeps on.</summary>
    private readonly ManualResetEventSlim _event = new(false, spinCount: 0);

    /// <summary>Announces that the caller is about to park; re-check the condition after this.</summary>
    public void PrepareToPark()
    {
        _event.Reset();
        Volatile.Write(ref _parked, 1);
        Interlocked.MemoryBarrier();
    }

    /// <summary>Sleeps until woken or until <paramref name="timeoutMs"/> elapses.</summary>
    public void Park(int timeoutMs)
    {
        _event.Wait(timeoutMs);
        Volatile.Write(ref _parked, 0);
    }

    /// <summary>Cancels a <see cref="PrepareToPark"/> when the re-check found work.</summary>
    public void CancelPark() => Volatile.Write(ref _parked, 0);

    /// <summary>Wakes the waiter if it is parked; cheap when it is not.</summary>
    public void Wake()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _parked) != 0)
        {
            _event.Set();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _event.Dispose();
}
