namespace Cpworker.Host;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("cpworker: not yet wired");
        return 1;
    }
}
