namespace Cpworker.Host.Recv;

/// <summary>Where recv writes: exactly one of a file, a rotating directory, or an interface.</summary>
internal sealed record RecvOutputSpec
{
    /// <summary><c>-w FILE</c>: one pcapng file.</summary>
    public string? File { get; init; }

    /// <summary><c>--rotate DIR</c>: rotating pcapng files under DIR.</summary>
    public string? RotateRoot { get; init; }

    /// <summary>Seconds per rotating file; 0 = never rotate.</summary>
    public int RotateSeconds { get; init; } = 60;

    /// <summary>Complete rotating files kept; 0 = all.</summary>
    public int MaxFiles { get; init; }

    /// <summary><c>--to-interface NAME</c>.</summary>
    public string? Interface { get; init; }
}
