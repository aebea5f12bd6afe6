using System.CommandLine;
using System.Text;
using Cpworker.Engine.Capture;
using Cpworker.Host.Daemon;
using Cpworker.Host.Interop;

namespace Cpworker.Host.Cli;

/// <summary>
/// <c>cpworker interfaces [--netns PATH]</c>: the interfaces a task could capture on, like
/// <c>tcpdump -D</c>, with their state, link type and addresses; inside a namespace when given.
/// </summary>
internal static class InterfacesCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Build(TextWriter stdout, TextWriter stderr)
    {
        var netns = new Option<string?>("--netns") { Description = "List the interfaces inside this network namespace (a path such as /var/run/netns/NAME or /proc/PID/ns/net).", HelpName = "PATH" };
        var command = new Command("interfaces", "List the network interfaces cpworker can capture on (like tcpdump -D).");
        command.Options.Add(netns);
        command.SetAction(parse => Run(parse.GetValue(netns), stdout, stderr));
        return command;
    }

    /// <summary>Prints the list; 0, or 1 with the reason when the namespace cannot be entered.</summary>
    public static int Run(string? netns, TextWriter stdout, TextWriter stderr)
    {
        List<LinkEntry> links;
        try
        {
            links = NetworkNamespace.Run(string.IsNullOrEmpty(netns) ? null : netns, InterfaceAddresses.Read);
        }
        catch (Exception ex) when (ex is CaptureException or IOException)
        {
            stderr.WriteLine($"cpworker interfaces: {ex.Message}");
            return ExitCodes.Failure;
        }

        int n = 1;
        foreach (LinkEntry l in links)
        {
            var line = new StringBuilder();
            line.Append(n++).Append('.').Append(l.Name).Append(" [").Append(string.Join(", ", State(l))).Append(']');
            line.Append(" link ").Append(LinkType(l.HardwareType));
            if (l.HardwareAddress.Length > 0 && l.HardwareAddress.Any(b => b != 0))
            {
                line.Append(' ').Append(Convert.ToHexString(l.HardwareAddress).ToLowerInvariant().Chunk(2).Select(c => new string(c)).Aggregate((a, b) => a + ":" + b));
            }

            foreach ((System.Net.IPAddress address, int prefix) in l.Addresses)
            {
                line.Append(' ').Append(address).Append('/').Append(prefix);
            }

            stdout.WriteLine(line.ToString());
        }

        return ExitCodes.Ok;
    }

    private static IEnumerable<string> State(LinkEntry l)
    {
        yield return (l.Flags & LinkEntry.FlagUp) != 0 ? "Up" : "Down";
        if ((l.Flags & LinkEntry.FlagRunning) != 0)
        {
            yield return "Running";
        }

        if ((l.Flags & LinkEntry.FlagLoopback) != 0)
        {
            yield return "Loopback";
        }
    }

    /// <summary>The libpcap link type a capture on this ARPHRD type gets (cpworker captures Ethernet, loopback and raw IP).</summary>
    private static string LinkType(int arphrd) => arphrd switch
    {
        1 => "EN10MB (Ethernet)",
        772 => "EN10MB (loopback)",
        65534 or 768 or 769 or 776 or 778 or 823 => "RAW (IP, no link header)",
        512 => "LINUX_SLL (PPP)",
        801 or 802 or 803 => "IEEE802_11 (wireless)",
        -1 => "unknown",
        _ => $"ARPHRD {arphrd}",
    };
}
