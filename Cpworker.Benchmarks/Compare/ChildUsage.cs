using System.Runtime.InteropServices;

namespace Cpworker.Benchmarks.Compare;

/// <summary>
/// CPU time of this process's finished children (<c>getrusage(RUSAGE_CHILDREN)</c>): the difference
/// around one child's run is that child's CPU time, start-up included, as <c>time</c> reports it.
/// </summary>
internal static partial class ChildUsage
{
    private const int RusageChildren = -1;

    /// <summary>User + system CPU seconds of every child waited for so far.</summary>
    public static double CpuSeconds()
    {
        if (GetRusage(RusageChildren, out Rusage u) != 0)
        {
            return 0;
        }

        return u.UserSeconds + u.UserMicroseconds / 1e6 + u.SystemSeconds + u.SystemMicroseconds / 1e6;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, out Rusage usage);

    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxRss;
        public long Ixrss;
        public long Idrss;
        public long Isrss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NvCsw;
        public long NivCsw;
    }
}
