namespace Cpworker.Engine.Capture;

/// <summary>A capture source could not open or failed while running; the message names what is wrong.</summary>
public sealed class CaptureException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CaptureException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public CaptureException(string message, Exception inner) : base(message, inner)
    {
    }
}
