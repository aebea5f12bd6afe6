using Cpworker.Engine.Configuration;
using Cpworker.Engine.Packets;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// The output type behind a <see cref="PacketChannelOutput"/>: its encoder copies packets into the
/// channel's pooled batches on the packet thread and writes one batch per captured batch; there is
/// nothing for a transport to do.
/// </summary>
internal sealed class ChannelOutputType : OutputType
{
    /// <summary>Creates the type <paramref name="name"/> writing to <paramref name="output"/>.</summary>
    public ChannelOutputType(string name, PacketChannelOutput output)
    {
        Name = name;
        Output = output;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The channel every instance writes to.</summary>
    public PacketChannelOutput Output { get; }

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        new CustomOutputSettings(section?.Element.Clone());

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings) => $"channel output \"{Name}\" ({Output.Capacity} batches)";

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context) =>
        new(new Encoder(Output, context), new IdleTransport(), BufferBytes: 64, PipelineBuffers: 1);

    /// <summary>
    /// Fills one batch at a time and writes it at the end of each captured batch. Counts what the
    /// transport would otherwise count: written batches settle as forwarded, a write after the
    /// engine stopped as error drops (this encoder's thread is the only writer of the sender half).
    /// </summary>
    private sealed class Encoder : OutputEncoder
    {
        private readonly PacketChannelOutput _output;
        private readonly OutputContext _context;
        private readonly OutputCounters.SenderSide _settled;

        /// <summary>The output's name, made once (<see cref="OutputConfig.Name"/> builds a new string on each call).</summary>
        private readonly string _outputName;

        /// <summary>The batch being filled: this encoder's from rent until written or disposed.</summary>
        private OwnedPacketBatch? _current;

        public Encoder(PacketChannelOutput output, OutputContext context)
        {
            _output = output;
            _context = context;
            _settled = context.Counters.Sender;
            _outputName = context.Config.Name;
        }

        public override bool Encode(in Packet packet)
        {
            if (_current is not null && !_current.Fits(packet.Frame.Length))
            {
                Publish();
            }

            if (_current is null)
            {
                // A replay waits for the reader (docs/architecture.md, "Consuming packets as a channel"); live capture never does.
                _current = _output.Rent(_context.IsReplay, _context.Stop);
                if (_current is null)
                {
                    return false; // every batch is out: this packet is dropped, counted by the stage
                }

                _current.Rent(_context.TaskName, _outputName);
                if (!_current.Fits(packet.Frame.Length))
                {
                    return false; // larger than a whole batch: dropped, counted; the empty batch is kept
                }
            }

            _current.Append(packet);
            return true;
        }

        public override void EndOfBatch() => Publish();

        public override void Flush()
        {
            Publish();
            _current?.Dispose();
            _current = null;
        }

        /// <summary>Writes the current batch when it holds packets; keeps an empty one for the next.</summary>
        private void Publish()
        {
            OwnedPacketBatch? batch = _current;
            if (batch is null || batch.Count == 0)
            {
                return;
            }

            _current = null;
            int count = batch.Count;
            long bytes = batch.Bytes;
            if (_output.TryWrite(batch))
            {
                _settled.Settle(count, bytes); // from here on the batch is the reader's
            }
            else
            {
                _settled.Fail(count, bytes);
                batch.Dispose();
            }
        }
    }

    /// <summary>The encoder hands nothing to the lane.</summary>
    private sealed class IdleTransport : OutputTransport
    {
        public override void Send(SendBuffer buffer)
        {
        }
    }
}
