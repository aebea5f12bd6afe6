namespace Cpworker.Host.Recv;

/// <summary>recv cannot start: a listener or the output cannot be opened. The message says which and why.</summary>
internal sealed class RecvException(string message) : Exception(message);
