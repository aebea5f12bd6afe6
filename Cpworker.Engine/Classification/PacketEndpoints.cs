namespace Cpworker.Engine.Classification;

/// <summary>Both sides of one packet, as <see cref="FrameHeaderParser"/> found them.</summary>
internal struct PacketEndpoints
{
    /// <summary>Source address and port.</summary>
    public PacketEndpoint Source;

    /// <summary>Destination address and port.</summary>
    public PacketEndpoint Destination;
}
