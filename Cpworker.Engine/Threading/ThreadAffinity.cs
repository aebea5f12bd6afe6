using System.Runtime.InteropServices;
using Cpworker.Engine.Interop;

namespace Cpworker.Engine.Threading;

/// <summary>
/// <c>cpu_affinity</c>: confines the whole process to the listed CPUs and pins each packet thread
/// to one of them, in order (docs/packet-path.md, "Execution models").
/// </summary>
/// <remarks>
/// Pinning is deterministic: a task's packet threads are numbered in the order its scheduler
/// starts them, and the task's numbers start after those of the tasks before it
/// (<see cref="ForTask"/>), so thread <c>k</c> of a task always gets the same CPU, also when the
/// task is retried. A new managed thread starts with the main thread's mask, not its creator's,
/// so every packet thread pins itself when it starts (<see cref="PinCurrentThread"/>).
/// </remarks>
internal sealed class ThreadAffinity
{
    private const int MaskBytes = 128; // 1024 CPUs, as glibc's cpu_set_t
    private readonly int[] _cpus;

    /// <summary>The number of the task's first thread in the engine-wide pinning order.</summary>
    private readonly int _firstSlot;

    /// <summary>No restriction: threads are not pinned.</summary>
    public static readonly ThreadAffinity None = new([]);

    /// <summary>Pins threads to <paramref name="cpus"/> in turn; empty = no pinning.</summary>
    public ThreadAffinity(IReadOnlyList<int> cpus)
        : this(cpus.ToArray(), 0)
    {
    }

    private ThreadAffinity(int[] cpus, int firstSlot)
    {
        _cpus = cpus;
        _firstSlot = firstSlot;
    }

    /// <summary>The CPUs threads are confined to; empty when unrestricted.</summary>
    public IReadOnlyList<int> Cpus => _cpus;

    /// <summary>
    /// The affinity of one task whose packet threads come after <paramref name="firstSlot"/> threads
    /// of the tasks before it in the pinning order.
    /// </summary>
    public ThreadAffinity ForTask(int firstSlot) => _cpus.Length == 0 ? this : new ThreadAffinity(_cpus, firstSlot);

    /// <summary>The CPU of the task's packet thread number <paramref name="slot"/> (0 = the first it starts), or -1 without affinity.</summary>
    public int CpuAt(int slot) => _cpus.Length == 0 ? -1 : _cpus[(int)(((long)_firstSlot + slot) % _cpus.Length)];

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
