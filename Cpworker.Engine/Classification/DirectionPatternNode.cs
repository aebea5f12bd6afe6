using System.Net;
using System.Text;

namespace Cpworker.Engine.Classification;

/// <summary>
/// The syntax tree of a direction pattern, as <see cref="DirectionPatternParser"/> reads it and
/// <see cref="DirectionProgramCompiler"/> turns it into a <see cref="DirectionProgram"/>. Built once
/// per config; never touched on the packet path.
/// </summary>
internal sealed class DirectionPatternNode
{
    private DirectionPatternNode(DirectionPatternNodeKind kind, int position)
    {
        Kind = kind;
        Position = position;
    }

    /// <summary>What the node stands for.</summary>
    public DirectionPatternNodeKind Kind { get; }

    /// <summary>1-based character position in the pattern where the node starts.</summary>
    public int Position { get; }

    /// <summary>Operands of <c>or</c>/<c>and</c> (two or more); empty for the others.</summary>
    public IReadOnlyList<DirectionPatternNode> Children { get; private init; } = [];

    /// <summary>The literal of <see cref="DirectionPatternNodeKind.HostAddress"/>.</summary>
    public IPAddress? Address { get; private init; }

    /// <summary>The interface name of <see cref="DirectionPatternNodeKind.HostInterface"/> (without <c>nic.</c>).</summary>
    public string? InterfaceName { get; private init; }

    /// <summary>The number of <see cref="DirectionPatternNodeKind.Port"/>.</summary>
    public ushort Port { get; private init; }

    /// <summary>An <c>or</c> or <c>and</c> of <paramref name="children"/>.</summary>
    public static DirectionPatternNode Operator(DirectionPatternNodeKind kind, IReadOnlyList<DirectionPatternNode> children, int position) =>
        new(kind, position) { Children = children };

    /// <summary><c>host</c> with a literal address.</summary>
    public static DirectionPatternNode Host(IPAddress address, int position) =>
        new(DirectionPatternNodeKind.HostAddress, position) { Address = address };

    /// <summary><c>host nic.NAME</c>.</summary>
    public static DirectionPatternNode HostOf(string interfaceName, int position) =>
        new(DirectionPatternNodeKind.HostInterface, position) { InterfaceName = interfaceName };

    /// <summary><c>port N</c>.</summary>
    public static DirectionPatternNode PortOf(ushort port, int position) =>
        new(DirectionPatternNodeKind.Port, position) { Port = port };

    /// <summary>
    /// The tree in prefix form, fully parenthesised: <c>host a or host b and port 1</c> gives
    /// <c>(or host a (and host b port 1))</c>. Shows how the pattern was understood (logs, tests).
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Append(sb);
        return sb.ToString();
    }

    private void Append(StringBuilder sb)
    {
        switch (Kind)
        {
            case DirectionPatternNodeKind.Or:
            case DirectionPatternNodeKind.And:
                sb.Append('(').Append(Kind == DirectionPatternNodeKind.Or ? "or" : "and");
                foreach (DirectionPatternNode child in Children)
                {
                    sb.Append(' ');
                    child.Append(sb);
                }

                sb.Append(')');
                break;
            case DirectionPatternNodeKind.HostAddress:
                sb.Append("host ").Append(Address);
                break;
            case DirectionPatternNodeKind.HostInterface:
                sb.Append("host nic.").Append(InterfaceName);
                break;
            default:
                sb.Append("port ").Append(Port);
                break;
        }
    }
}
