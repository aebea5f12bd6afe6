namespace Cpworker.Host;

/// <summary>The <c>cpworker</c> executable.</summary>
internal static class Program
{
    private static int Main(string[] args) => Cli.CommandLine.Run(args);
}
