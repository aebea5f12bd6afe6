using Cpworker.Engine.Configuration;
using Cpworker.Engine.Logging;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Microsoft.Extensions.Logging;

namespace Cpworker.Engine.Outputs;

/// <summary>
/// Runs an <see cref="IPacketOutput"/> of an embedding application as an isolated output: packets
/// are copied into the output's own bounded buffers and handed to it on its own thread, so a slow
/// or failing plug-in loses only its own packets (counted) and never holds anything else up.
/// </summary>
internal sealed class CustomOutputType : OutputType
{
    /// <summary>Bytes per buffer of copied packets.</summary>
    private const int BufferBytes = 256 * 1024;

    /// <summary>Packets per buffer at most.</summary>
    private const int MaxRecords = 1024;

    /// <summary>Buffers in flight: how far the plug-in may fall behind before it loses packets.</summary>
    private const int Buffers = 16;

    private readonly Func<CustomOutputContext, IPacketOutput> _factory;

    /// <summary>Creates the type <paramref name="name"/> whose instances <paramref name="factory"/> makes.</summary>
    public CustomOutputType(string name, Func<CustomOutputContext, IPacketOutput> factory)
    {
        Name = name;
        _factory = factory;
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        new CustomOutputSettings(section?.Element.Clone());

    /// <inheritdoc/>
    public override string Describe(OutputSettings settings) => $"custom output \"{Name}\"";

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var custom = (CustomOutputSettings)settings;
        IPacketOutput output = _factory(new CustomOutputContext(context.TaskName, context.Config.Name, custom.Section))
            ?? throw new OutputStartException($"{context.DisplayName}: the factory of output type \"{Name}\" returned null");
        return new OutputParts(new Encoder(), new Transport(output, context), BufferBytes, MaxRecords, Buffers, Isolated: true);
    }

    /// <summary>Copies each packet with its metadata into the current buffer; one buffer per batch.</summary>
    private sealed class Encoder : BufferedEncoder
    {
        public override bool Encode(in Packet packet)
        {
            SendBuffer? buffer = Reserve(PacketBatchView.RecordHeaderLength + packet.Frame.Length, messages: 1);
            if (buffer is null)
            {
                return false; // the plug-in is behind: this packet is lost, counted
            }

            int written = PacketBatchView.WriteRecord(buffer.Free, packet);
            buffer.AddMessage(written, packet.Frame.Length);
            buffer.PacketCount++;
            buffer.PacketBytes += packet.Frame.Length;
            return true;
        }

        public override void EndOfBatch() => Flush();
    }

    /// <summary>Hands each buffer to the plug-in as a batch; counts what it throws away.</summary>
    private sealed class Transport : OutputTransport
    {
        private readonly IPacketOutput _output;
        private readonly OutputContext _context;
        private readonly LogThrottle _failures;
        private bool _disposed;

        /// <summary>Held during a Write, so that a teardown on another thread never disposes the output under it.</summary>
        private readonly object _gate = new();

        public Transport(IPacketOutput output, OutputContext context)
        {
            _output = output;
            _context = context;
            _failures = new LogThrottle(context.Time, TimeSpan.FromMinutes(1));
        }

        public override void Send(SendBuffer buffer)
        {
            try
            {
                lock (_gate)
                {
                    _output.Write(new PacketBatchView(buffer.Written, buffer.MessageOffsets.AsSpan(0, buffer.MessageCount)));
                }
            }
            catch (Exception ex)
            {
                _context.Counters.Sender.ErrorPackets += buffer.PacketCount;
                _context.Counters.Sender.ErrorBytes += buffer.PacketBytes;
                if (_failures.ShouldLog())
                {
                    OutputLog.CustomOutputFailed(_context.Logger, ex, _context.DisplayName, buffer.PacketCount, ex.Message);
                }
            }
        }

        public override void Close() => Dispose();

        public override void Dispose()
        {
            // The interface promises Dispose on the output's own thread, never during a Write:
            // when the task is torn down while the output is still busy, its sender thread closes
            // it once the Write returns (Close), so nothing is done here.
            if (!Monitor.TryEnter(_gate))
            {
                base.Dispose();
                return;
            }

            try
            {
                if (!_disposed)
                {
                    _disposed = true;
                    _output.Dispose();
                }
            }
            catch (Exception ex)
            {
                OutputLog.CustomOutputDisposeFailed(_context.Logger, ex, _context.DisplayName, ex.Message);
            }
            finally
            {
                Monitor.Exit(_gate);
                base.Dispose();
            }
        }
    }
}
