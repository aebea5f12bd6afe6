using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Classification;

/// <summary>
/// <c>req_pattern</c> <c>custom</c>: the source side (address, port) satisfying the pattern → outgoing;
/// else the destination side → incoming; else unknown (docs/direction.md, "custom"). Immutable, allocation-free.
/// </summary>
internal sealed class CustomDirectionClassifier : IDirectionClassifier
{
    private readonly DirectionProgram _program;

    /// <summary>Creates the classifier around a compiled pattern.</summary>
    public CustomDirectionClassifier(DirectionProgram program) => _program = program;

    /// <inheritdoc />
    public PacketDirection Classify(ReadOnlySpan<byte> frame)
    {
        FrameHeaderParser.Parse(frame, out PacketEndpoints endpoints);

        // Without an address there is no port either, and no test can pass.
        if (endpoints.Source.Family == PacketEndpoint.NoFamily)
        {
            return PacketDirection.Unknown;
        }

        if (_program.Matches(endpoints.Source))
        {
            return PacketDirection.Outgoing;
        }

        return _program.Matches(endpoints.Destination) ? PacketDirection.Incoming : PacketDirection.Unknown;
    }
}
