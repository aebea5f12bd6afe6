using System.Text.RegularExpressions;
using Cpworker.Tests.Support;

namespace Cpworker.Tests.Files;

/// <summary>Real decoders (tcpdump, tshark) run on files the outputs wrote.</summary>
internal static partial class PcapTools
{
    /// <summary>
    /// Reads the file with <c>tcpdump -r FILE -nn</c> and asserts a clean exit without warnings;
    /// returns the number of packets it printed.
    /// </summary>
    public static int TcpdumpCount(string path)
    {
        (int code, string stdout, string stderr) = Run.Command("tcpdump", $"-r {Quote(path)} -nn");
        Assert.That(code, Is.Zero, $"tcpdump failed on {path}: {stderr}");
        string[] problems = stderr.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith("reading from file", StringComparison.Ordinal))
            .ToArray();
        Assert.That(problems, Is.Empty, $"tcpdump complained about {path}");
        // Each packet's line starts with its time; decoders may add lines of their own (hex, inner frames).
        return stdout.Split('\n').Count(l => PacketLine().IsMatch(l));
    }

    /// <summary>Runs <c>tshark -r FILE</c> printing <paramref name="field"/> per packet, asserting no complaint.</summary>
    public static string[] TsharkFields(string path, string field)
    {
        (int code, string stdout, string stderr) = Run.Command("tshark", $"-r {Quote(path)} -T fields -e {field}");
        Assert.That(code, Is.Zero, $"tshark failed on {path}: {stderr}");
        string[] problems = stderr.Split('\n')
            .Where(l => l.Length > 0 && !l.StartsWith("Running as user", StringComparison.Ordinal))
            .ToArray();
        Assert.That(problems, Is.Empty, $"tshark complained about {path}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Number of packets tshark reads.</summary>
    public static int TsharkCount(string path) => TsharkFields(path, "frame.number").Length;

    private static string Quote(string path) => "\"" + path + "\"";

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{6,9} ")]
    private static partial Regex PacketLine();
}
