using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Cpworker.Engine.Capture;

/// <summary>Builds the filter a task's capture runs with (docs/loop-guard.md, "What it does").</summary>
internal static partial class CaptureFilter
{
    /// <summary>
    /// Replaces <c>nic.IFNAME</c> in <paramref name="userBpf"/> with that interface's addresses
    /// (one as is, several as <c>(A or B …)</c>) looked up with <paramref name="resolve"/>, and
    /// combines the result with the loop guard as <c>(bpf) and not (guard)</c>. Null when there is
    /// neither. Throws <see cref="CaptureException"/> when a referenced interface does not exist
    /// or has no address.
    /// </summary>
    public static string? Compose(string? userBpf, string? loopGuard, Func<string, InterfaceInfo?> resolve)
    {
        string? bpf = string.IsNullOrWhiteSpace(userBpf) ? null : ResolveNicReferences(userBpf.Trim(), resolve);
        string? guard = string.IsNullOrWhiteSpace(loopGuard) ? null : loopGuard.Trim();
        return (bpf, guard) switch
        {
            (null, null) => null,
            (not null, null) => bpf,
            (null, not null) => $"not ({guard})",
            _ => $"({bpf}) and not ({guard})",
        };
    }

    /// <summary>
    /// <c>nic.IFNAME</c>, not preceded by a name character (so that a host name such as
    /// <c>sonic.example.com</c> is left alone). Group 1 is the interface name.
    /// </summary>
    [GeneratedRegex(@"(?<![A-Za-z0-9_.\-])nic\.([A-Za-z0-9_.@\-]+)", RegexOptions.CultureInvariant)]
    internal static partial Regex NicReference();

    private static string ResolveNicReferences(string bpf, Func<string, InterfaceInfo?> resolve) =>
        NicReference().Replace(bpf, m => AddressList(m.Groups[1].Value, resolve));

    private static string AddressList(string name, Func<string, InterfaceInfo?> resolve)
    {
        InterfaceInfo info = resolve(name) ?? throw new CaptureException($"bpf: nic.{name}: no such interface");
        var text = new List<string>();
        foreach (IPAddress address in info.Addresses)
        {
            // A scoped IPv6 address prints as fe80::1%2, which BPF does not parse.
            IPAddress plain = address.AddressFamily == AddressFamily.InterNetworkV6 ? new IPAddress(address.GetAddressBytes()) : address;
            string s = plain.ToString();
            if (!text.Contains(s))
            {
                text.Add(s);
            }
        }

        return text.Count switch
        {
            0 => throw new CaptureException($"bpf: nic.{name}: interface {name} has no address"),
            1 => text[0],
            _ => new StringBuilder("(").AppendJoin(" or ", text).Append(')').ToString(),
        };
    }
}
