namespace Cpworker.Engine.Outputs;

/// <summary>An output could not be created (socket, file, device); the task is retried later.</summary>
public sealed class OutputStartException : Exception
{
    /// <summary>Creates the exception with a message that names what is wrong.</summary>
    public OutputStartException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public OutputStartException(string message, Exception inner) : base(message, inner)
    {
    }
}
