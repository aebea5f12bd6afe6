using BenchmarkDotNet.Running;
using Cpworker.Benchmarks.Compare;
using Cpworker.Benchmarks.Soak;

namespace Cpworker.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "compare")
        {
            return CompareCommand.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "blast")
        {
            return Blast.BlastCommand.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "soak")
        {
            return SoakCommand.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "fastpath")
        {
            return FastPathCompare.Run(args[1..], Console.Out);
        }

        if (args.Length > 0 && args[0] == "zmqspan")
        {
            return ZmqSpanCompare.Run(args[1..], Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
