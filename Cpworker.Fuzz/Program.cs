using SharpFuzz;

namespace Cpworker.Fuzz;

/// <summary>
/// <c>Cpworker.Fuzz TARGET</c> under afl-fuzz runs the target on AFL's inputs (SharpFuzz out of
/// process); <c>Cpworker.Fuzz TARGET FILE|DIR…</c> runs it once on each file, for reproducing a
/// crash or checking a corpus. An unexpected exception is a crash: AFL records the input.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || !FuzzTargets.All.TryGetValue(args[0], out Action<byte[]>? target))
        {
            Console.Error.WriteLine($"usage: Cpworker.Fuzz TARGET [FILE|DIR…]; targets: {string.Join(", ", FuzzTargets.All.Keys)}");
            return 2;
        }

        if (args.Length == 1)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                target(copy.ToArray());
            });
            return 0;
        }

        int files = 0;
        foreach (string arg in args[1..])
        {
            foreach (string file in Directory.Exists(arg) ? Directory.EnumerateFiles(arg, "*", SearchOption.AllDirectories) : [arg])
            {
                target(File.ReadAllBytes(file));
                files++;
            }
        }

        Console.WriteLine($"{args[0]}: {files} input(s) ran without a crash");
        return 0;
    }
}
