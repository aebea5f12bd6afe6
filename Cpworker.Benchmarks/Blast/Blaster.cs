using System.Diagnostics;
using Cpworker.Outputs.PacketRing;

namespace Cpworker.Benchmarks.Blast;

/// <summary>
/// Sends a <see cref="FrameSet"/> in a loop through an AF_PACKET TX ring (<see cref="PacketTxRing"/>,
/// qdisc bypassed), at a set packet rate or at top speed, for a set time. Paced per batch: a batch
/// goes out when the clock says its frames are due, so the rate holds on average over any
/// millisecond while the per-frame cost stays one copy into the ring.
/// </summary>
internal sealed unsafe class Blaster
{
    /// <summary>Frames written before one kick, at most.</summary>
    private readonly int _batch;

    private readonly PacketTxRing _ring;
    private readonly FrameSet _frames;

    /// <summary>Creates a blaster on an open ring.</summary>
    public Blaster(PacketTxRing ring, FrameSet frames, int batch)
    {
        _ring = ring;
        _frames = frames;
        _batch = batch;
    }

    /// <summary>
    /// Sends for <paramref name="seconds"/> at <paramref name="pps"/> frames/s (0 = as fast as the
    /// ring takes them) and waits until the kernel has sent every committed frame.
    /// </summary>
    public BlastResult Run(double seconds, long pps)
    {
        long frequency = Stopwatch.Frequency;
        long start = Stopwatch.GetTimestamp();
        long end = start + (long)(seconds * frequency);
        long sent = 0, bytes = 0, ringFull = 0, kickErrors = 0;
        int next = 0;
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        fixed (byte* data = _frames.Data)
        {
            while (true)
            {
                long now = Stopwatch.GetTimestamp();
                if (now >= end)
                {
                    break;
                }

                long allowed = _batch;
                if (pps > 0)
                {
                    long due = (long)((double)(now - start) * pps / frequency);
                    allowed = Math.Min(due - sent, _batch);
                    if (allowed <= 0)
                    {
                        WaitUntilDue(start, sent + Math.Min(_batch, Math.Max(1, pps / 1000)), pps, frequency);
                        continue;
                    }
                }

                int n = 0;
                while (n < allowed)
                {
                    byte* slot = _ring.TryAcquire();
                    if (slot is null)
                    {
                        ringFull++;
                        break;
                    }

                    int length = _frames.Lengths[next];
                    new ReadOnlySpan<byte>(data + _frames.Offsets[next], length).CopyTo(new Span<byte>(slot, length));
                    _ring.Commit(length);
                    bytes += length;
                    n++;
                    next = next + 1 == _frames.Count ? 0 : next + 1;
                }

                sent += n;
                if (!_ring.Kick(out _))
                {
                    kickErrors++;
                }

                if (n < allowed)
                {
                    _ring.WaitForRoom(10);
                }
            }

            Drain();
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new BlastResult(sent, bytes, elapsed, (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds, ringFull, kickErrors, pps);
    }

    /// <summary>Kicks until the kernel has taken every committed frame back (at most 2 s).</summary>
    private void Drain()
    {
        long deadline = Environment.TickCount64 + 2000;
        while (_ring.InFlight > 0 && Environment.TickCount64 < deadline)
        {
            _ring.Kick(out _);
            _ring.WaitForRoom(10);
            _ring.Reclaim();
        }
    }

    /// <summary>Sleeps or spins until frame number <paramref name="frame"/> is due.</summary>
    private static void WaitUntilDue(long start, long frame, long pps, long frequency)
    {
        long dueAt = start + (long)((double)frame * frequency / pps);
        long left = dueAt - Stopwatch.GetTimestamp();
        if (left > frequency / 500)
        {
            Thread.Sleep(1); // more than 2 ms ahead: give the core away
        }
        else if (left > 0)
        {
            Thread.SpinWait(50);
        }
    }
}
