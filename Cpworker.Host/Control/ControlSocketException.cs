namespace Cpworker.Host.Control;

/// <summary>The control socket cannot be set up (path in use by another instance, not a socket, not writable).</summary>
internal sealed class ControlSocketException : Exception
{
    /// <summary>Creates the exception with a message naming the path and the problem.</summary>
    public ControlSocketException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
