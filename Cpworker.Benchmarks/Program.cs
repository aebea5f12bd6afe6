using BenchmarkDotNet.Running;
using Cpworker.Benchmarks.Compare;
using Cpworker.Benchmarks.Soak;

namespace Cpworker.Benchmarks;

internal static class Program
{
    // The harness's own commands; anything else goes to BenchmarkDotNet (which has its own --help).
    private static readonly Dictionary<string, (Func<string[], TextWriter, int> Run, string Usage)> Commands = new()
    {
        ["compare"] = ((a, log) => CompareCommand.Run(a, log), CompareOptions.Usage),
        ["blast"] = ((a, log) => Blast.BlastCommand.Run(a, log), Blast.BlastCommand.Usage),
        ["soak"] = ((a, log) => SoakCommand.Run(a, log), SoakOptions.Usage),
        ["fastpath"] = ((a, log) => FastPathCompare.Run(a, log), FastPathCompare.Usage),
        ["zmqspan"] = ((a, log) => ZmqSpanCompare.Run(a, log), ZmqSpanCompare.Usage),
    };

    private static int Main(string[] args)
    {
        if (args.Length > 0 && Commands.ContainsKey(args[0]))
        {
            return Run(args, Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    /// <summary>
    /// Runs one of the harness's commands. <c>--help</c> or <c>-h</c> anywhere after the command prints
    /// its usage and exits 0 before anything is measured (a run may take minutes and make namespaces).
    /// </summary>
    internal static int Run(string[] args, TextWriter log)
    {
        var (run, usage) = Commands[args[0]];
        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            log.WriteLine(usage);
            return 0;
        }

        return run(args[1..], log);
    }
}
