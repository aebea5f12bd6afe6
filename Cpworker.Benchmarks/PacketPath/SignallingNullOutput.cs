using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

namespace Cpworker.Benchmarks.PacketPath;

/// <summary>
/// The <c>null</c> output (takes every packet, sends nothing) that also tells a waiting benchmark
/// when it has taken a target number of packets: checked once per batch, at its end.
/// </summary>
internal sealed class SignallingNullOutput : OutputType
{
    /// <summary>The settings object that carries the signal.</summary>
    internal sealed record Settings : OutputSettings
    {
        /// <summary>Set when <see cref="Target"/> packets have been taken.</summary>
        public ManualResetEventSlim Reached { get; } = new(false);

        /// <summary>Accepted packets at which <see cref="Reached"/> is set.</summary>
        public long Target;
    }

    /// <inheritdoc/>
    public override string Name => "null";

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) => new Settings();

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        new(new Encoder((Settings)settings, context.Counters.Packet), new Transport(), BufferBytes: 64, PipelineBuffers: 1);

    private sealed class Encoder(Settings settings, OutputCounters.PacketSide counters) : OutputEncoder
    {
        public override bool Encode(in Packet packet) => true;

        public override void EndOfBatch()
        {
            if (counters.AcceptedPackets >= Volatile.Read(ref settings.Target))
            {
                settings.Reached.Set();
            }
        }

        public override void Flush()
        {
        }
    }

    private sealed class Transport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
