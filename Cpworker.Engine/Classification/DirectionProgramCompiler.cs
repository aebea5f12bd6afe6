using System.Net;
using Cpworker.Engine.Capture;

namespace Cpworker.Engine.Classification;

/// <summary>
/// Turns a parsed pattern into a <see cref="DirectionProgram"/>, resolving <c>nic.IFNAME</c> to
/// that interface's addresses. Runs once per task start, on the capture thread inside the task's
/// network namespace (that is where <c>resolve</c> must look).
/// </summary>
/// <remarks>
/// The tree is compiled backwards: an operand is emitted after the operands it may jump to, with
/// its true and false targets already known. <c>a or b</c> becomes "a? match : (b? match : fail)"
/// and <c>a and b</c> "a? (b? match : fail) : fail", so every leaf is emitted once.
/// <c>host nic.X</c> becomes an <c>or</c> of its addresses. An IPv4-mapped IPv6 literal
/// (<c>::ffff:a.b.c.d</c>) matches that IPv6 address and the IPv4 address a.b.c.d, because Linux
/// shows IPv4 peers of dual-stack sockets in that form; no other IPv6 literal matches an IPv4 packet.
/// </remarks>
internal sealed class DirectionProgramCompiler
{
    private readonly Func<string, InterfaceInfo?> _resolve;
    private readonly List<DirectionInstruction> _instructions = [];

    private DirectionProgramCompiler(Func<string, InterfaceInfo?> resolve) => _resolve = resolve;

    /// <summary>
    /// Compiles <paramref name="tree"/>. Throws <see cref="DirectionPatternException"/> naming the interface
    /// when a <c>nic.</c> reference is missing or has no address.
    /// </summary>
    public static DirectionProgram Compile(DirectionPatternNode tree, Func<string, InterfaceInfo?> resolve)
    {
        ArgumentNullException.ThrowIfNull(tree);
        ArgumentNullException.ThrowIfNull(resolve);
        var compiler = new DirectionProgramCompiler(resolve);
        int entry = compiler.Emit(tree, DirectionProgram.Match, DirectionProgram.NoMatch);
        return new DirectionProgram([.. compiler._instructions], entry);
    }

    /// <summary>Emits <paramref name="node"/> jumping to the given targets; returns its entry.</summary>
    private int Emit(DirectionPatternNode node, int ifTrue, int ifFalse)
    {
        switch (node.Kind)
        {
            case DirectionPatternNodeKind.Or:
            {
                // The last operand decides alone; each earlier one falls through to the next on false.
                int entry = ifFalse;
                for (int i = node.Children.Count - 1; i >= 0; i--)
                {
                    entry = Emit(node.Children[i], ifTrue, entry);
                }

                return entry;
            }

            case DirectionPatternNodeKind.And:
            {
                // Each operand but the last continues to the next on true.
                int entry = ifTrue;
                for (int i = node.Children.Count - 1; i >= 0; i--)
                {
                    entry = Emit(node.Children[i], entry, ifFalse);
                }

                return entry;
            }

            case DirectionPatternNodeKind.Port:
                return Add(DirectionInstruction.ForPort(node.Port, ifTrue, ifFalse));

            case DirectionPatternNodeKind.HostAddress:
                return EmitHost(node.Address!, ifTrue, ifFalse);

            default:
                return EmitInterface(node.InterfaceName!, ifTrue, ifFalse);
        }
    }

    private int EmitHost(IPAddress address, int ifTrue, int ifFalse)
    {
        int entry = ifFalse;
        if (address.IsIPv4MappedToIPv6)
        {
            entry = EmitAddress(address.MapToIPv4(), ifTrue, entry);
        }

        return EmitAddress(address, ifTrue, entry);
    }

    private int EmitInterface(string name, int ifTrue, int ifFalse)
    {
        InterfaceInfo? nic = _resolve(name)
            ?? throw new DirectionPatternException($"req_pattern: interface \"{name}\" (nic.{name}) not found");

        int entry = ifFalse;
        int count = 0;
        for (int i = nic.Addresses.Count - 1; i >= 0; i--)
        {
            IPAddress address = nic.Addresses[i];
            if (address.AddressFamily is System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                entry = EmitAddress(address, ifTrue, entry);
                count++;
            }
        }

        return count > 0
            ? entry
            : throw new DirectionPatternException($"req_pattern: interface \"{name}\" (nic.{name}) has no IP address");
    }

    private int EmitAddress(IPAddress address, int ifTrue, int ifFalse)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out int written);
        PacketEndpoint endpoint = PacketEndpoint.FromAddressBytes(bytes.Slice(0, written));
        return Add(DirectionInstruction.ForHost(endpoint, ifTrue, ifFalse));
    }

    private int Add(DirectionInstruction instruction)
    {
        _instructions.Add(instruction);
        return _instructions.Count - 1;
    }
}
