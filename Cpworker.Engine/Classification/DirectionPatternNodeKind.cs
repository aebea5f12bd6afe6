namespace Cpworker.Engine.Classification;

/// <summary>What a <see cref="DirectionPatternNode"/> stands for.</summary>
internal enum DirectionPatternNodeKind
{
    /// <summary>True when any child is true.</summary>
    Or,

    /// <summary>True when every child is true.</summary>
    And,

    /// <summary><c>host ADDR</c> with an IPv4 or IPv6 literal.</summary>
    HostAddress,

    /// <summary><c>host nic.IFNAME</c>: any address of that interface, resolved when the classifier is built.</summary>
    HostInterface,

    /// <summary><c>port N</c>.</summary>
    Port,
}
