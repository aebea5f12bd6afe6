using System.Runtime.InteropServices;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Threading;

/// <summary>
/// <c>cpu_affinity</c>: confines the whole process to the listed CPUs and pins each packet thread
/// to one of them, in order (docs/packet-path.md, "Execution models").
/// </summary>
/// <remarks>
/// A new managed thread starts with the main thread's mask, not its creator's, so every packet
/// thread pins itself when it starts (<see cref="PinCurrentThread"/>).
/// </remarks>
internal sealed class ThreadAffinity
{
    private const int MaskBytes = 128; // 1024 CPUs, as glibc's cpu_set_t
    private readonly int[] _cpus;
    private int _next;

    /// <summary>No restriction: threads are not pinned.</summary>
    public static readonly ThreadAffinity None = new([]);

    /// <summary>Pins threads to <paramref name="cpus"/> in turn; empty = no pinning.</summary>
    public ThreadAffinity(IReadOnlyList<int> cpus) => _cpus = cpus.ToArray();

    /// <summary>The CPUs threads are confined to; empty when unrestricted.</summary>
    public IReadOnlyList<int> Cpus => _cpus;

    /// <summary>The CPU the next packet thread gets (round robin over the list), or -1 without affinity.</summary>
    public int NextCpu()
    {
        if (_cpus.Length == 0)
        {
            return -1;
        }

        int i = Interlocked.Increment(ref _next) - 1;
        return _cpus[(i & int.MaxValue) % _cpus.Length];
    }

    /// <summary>Sets every existing thread of the process (and thereby its future threads) to the listed CPUs.</summary>
    public void ConfineProcess()
    {
        if (_cpus.Length == 0)
        {
            return;
        }

        foreach (string dir in Directory.EnumerateDirectories("/proc/self/task"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int tid))
            {
                // A thread may have exited meanwhile; that is fine.
                Set(tid, _cpus);
            }
        }
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/>; no-op for -1. Returns the errno text on failure.</summary>
    public static string? PinCurrentThread(int cpu) => cpu < 0 ? null : Set(0, [cpu]);

    /// <summary>The CPUs the calling thread may run on.</summary>
    public static unsafe IReadOnlyList<int> CurrentThreadCpus()
    {
        byte* mask = stackalloc byte[MaskBytes];
        if (LibC.SchedGetAffinity(0, MaskBytes, mask) != 0)
        {
            return [];
        }

        var cpus = new List<int>();
        for (int cpu = 0; cpu < MaskBytes * 8; cpu++)
        {
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0)
            {
                cpus.Add(cpu);
            }
        }

        return cpus;
    }

    private static unsafe string? Set(int tid, IReadOnlyList<int> cpus)
    {
        byte* mask = stackalloc byte[MaskBytes];
        new Span<byte>(mask, MaskBytes).Clear();
        foreach (int cpu in cpus)
        {
            if (cpu >= 0 && cpu < MaskBytes * 8)
            {
                mask[cpu / 8] |= (byte)(1 << (cpu % 8));
            }
        }

        return LibC.SchedSetAffinity(tid, MaskBytes, mask) == 0 ? null : LibC.ErrorText(Marshal.GetLastPInvokeError());
    }
}
