using System.Runtime.InteropServices;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Threading;

/// <summary>
/// Lets one waiting thread sleep until another thread has made progress, without a syscall on the
/// waker's side unless the waiter is actually asleep.
/// </summary>
/// <remarks>
/// <para>
/// Protocol for the waiter: <see cref="PrepareToPark"/>, re-check the condition, then
/// <see cref="Park"/>. The waker calls <see cref="Wake"/> after making the condition true. Parks
/// are always bounded by a timeout, so a lost wake-up costs latency, never liveness.
/// </para>
/// <para>
/// Built on a futex word in native memory (its own cache line): a wake-up is one <c>FUTEX_WAKE</c>
/// and the sleeper returns from one <c>FUTEX_WAIT</c>. A <see cref="ManualResetEventSlim"/> takes
/// a monitor lock on both sides, and the waker and the waking thread then contend for it: in the
/// pipeline, five context switches per batch instead of two.
/// </para>
/// </remarks>
internal sealed unsafe class ParkingSignal : IDisposable
{
    /// <summary>1 while the waiter may be asleep, 0 otherwise; the futex word.</summary>
    private int* _parked;

    /// <summary>Creates the signal.</summary>
    public ParkingSignal()
    {
        _parked = (int*)NativeMemory.AlignedAlloc(64, 64);
        *_parked = 0;
    }

    /// <summary>Announces that the caller is about to park; re-check the condition after this.</summary>
    public void PrepareToPark()
    {
        Volatile.Write(ref *_parked, 1);
        Interlocked.MemoryBarrier();
    }

    /// <summary>Sleeps until woken or until <paramref name="timeoutMs"/> elapses.</summary>
    public void Park(int timeoutMs)
    {
        var timeout = new LibC.TimeSpec { Seconds = timeoutMs / 1000, Nanoseconds = timeoutMs % 1000 * 1_000_000L };

        // Returns at once when a wake-up already cleared the word (no wake-up is lost), else on
        // FUTEX_WAKE, on the timeout, or on a signal: every case ends the park.
        LibC.FutexWait(_parked, 1, &timeout);
        Volatile.Write(ref *_parked, 0);
    }

    /// <summary>Cancels a <see cref="PrepareToPark"/> when the re-check found work.</summary>
    public void CancelPark() => Volatile.Write(ref *_parked, 0);

    /// <summary>
    /// Wakes the waiter if it is parked; cheap when it is not. Wakes every thread parked on the
    /// signal (capture threads sharing a batch pool), at the cost of one waiter's wake-up.
    /// </summary>
    public void Wake()
    {
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref *_parked) != 0 && Interlocked.Exchange(ref *_parked, 0) != 0)
        {
            LibC.FutexWake(_parked, int.MaxValue);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        int* word = _parked;
        _parked = null;
        if (word is not null)
        {
            NativeMemory.AlignedFree(word);
        }

        GC.SuppressFinalize(this);
    }
}
