namespace Cpworker.Host.Daemon;

/// <summary>Process exit codes (docs/operations.md, "Signals and exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Clean stop; a valid config.</summary>
    public const int Ok = 0;

    /// <summary>Runtime failure.</summary>
    public const int Failure = 1;

    /// <summary>Bad config or arguments.</summary>
    public const int BadConfig = 2;
}
