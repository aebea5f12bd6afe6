using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Outputs;

/// <summary><c>null</c>: counts packets and sends nothing; measures the engine's own cost.</summary>
internal sealed class NullOutputType : OutputType
{
    /// <inheritdoc/>
    public override string Name => "null";

    /// <inheritdoc/>
    public override bool HasSection => false;

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics)
    {
        section?.WarnUnknownKeys();
        return NullOutputSettings.Instance;
    }

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        new(new NullEncoder(context.Counters.Sender), new NullTransport(), BufferBytes: 64, PipelineBuffers: 1);

    private sealed record NullOutputSettings : OutputSettings
    {
        public static readonly NullOutputSettings Instance = new();
    }

    /// <summary>
    /// A packet's fate is known as soon as it is accepted (nothing is sent), so the encoder settles
    /// it as forwarded at once. It is the only writer of the sender half: the null transport never
    /// receives a buffer (docs/operations.md, "Counters").
    /// </summary>
    private sealed class NullEncoder(OutputCounters.SenderSide sender) : OutputEncoder
    {
        public override bool Encode(in Packet packet)
        {
            sender.Settle(1, packet.Frame.Length);
            return true;
        }

        public override void Flush()
        {
        }
    }

    private sealed class NullTransport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
