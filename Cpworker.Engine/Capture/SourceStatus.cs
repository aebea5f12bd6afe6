namespace Cpworker.Engine.Capture;

/// <summary>What <see cref="PacketSource.Fill"/> found.</summary>
internal enum SourceStatus
{
    /// <summary>The source is live; the batch may or may not have received packets.</summary>
    Active,

    /// <summary>A replay has delivered its last packet (the batch may hold the final ones).</summary>
    EndOfInput,
}
