namespace Cpworker.Engine.Classification;

/// <summary>
/// A task's <c>req_pattern</c> cannot be used: a pattern that does not parse (permanent), or an
/// interface it names (<c>nic.IFNAME</c>, the <c>auto</c> capture interface) that is missing or
/// has no address (transient: it may appear). The message names what is wrong.
/// </summary>
internal sealed class DirectionPatternException : Exception
{
    /// <summary>Creates the exception; <paramref name="permanent"/> when only a new configuration can fix it.</summary>
    public DirectionPatternException(string message, bool permanent = false) : base(message)
    {
        IsPermanent = permanent;
    }

    /// <summary>True when retrying cannot help (the pattern itself is wrong).</summary>
    public bool IsPermanent { get; }
}
