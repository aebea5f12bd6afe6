namespace Cpworker.Host.Control;

/// <summary>A control request failed; the message says why (no daemon, refused, an ERROR reply, a timeout).</summary>
internal sealed class ControlClientException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ControlClientException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public ControlClientException(string message, Exception inner) : base(message, inner)
    {
    }
}
