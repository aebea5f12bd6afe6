using System.Buffers.Binary;
using Cpworker.Engine.Configuration;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;

namespace Cpworker.Tests.Support;

/// <summary>
/// A test output: records each packet as <c>[u16 length][u8 direction][i64 timestamp][frame]</c>
/// into send buffers, and its transport appends the buffers to a <see cref="RecordingSink"/>.
/// The transport can be made slow or failing.
/// </summary>
internal sealed class RecordingOutputType : OutputType
{
    /// <summary>Output type name.</summary>
    public const string TypeName = "recording";

    /// <inheritdoc/>
    public override string Name => TypeName;

    /// <inheritdoc/>
    public override OutputSettings? Parse(ConfigObject? section, string sectionPath, ConfigDiagnostics diagnostics) =>
        new RecordingSettings(new RecordingSink());

    /// <inheritdoc/>
    public override OutputParts Create(OutputSettings settings, OutputContext context)
    {
        var s = (RecordingSettings)settings;
        return new OutputParts(new Encoder(), new Transport(s.Sink, context), BufferBytes: s.BufferBytes, PipelineBuffers: s.PipelineBuffers);
    }

    private sealed class Encoder : BufferedEncoder
    {
        public override bool Encode(in Packet packet)
        {
            int need = 11 + packet.Frame.Length;
            SendBuffer? buffer = Reserve(need);
            if (buffer is null)
            {
                return false;
            }

            Span<byte> dst = buffer.Free;
            BinaryPrimitives.WriteUInt16BigEndian(dst, (ushort)packet.Frame.Length);
            dst[2] = (byte)packet.Direction;
            BinaryPrimitives.WriteInt64BigEndian(dst[3..], packet.TimestampNanos);
            packet.Frame.CopyTo(dst[11..]);
            buffer.Length += need;
            buffer.PacketCount++;
            buffer.PacketBytes += packet.Frame.Length;
            return true;
        }

        public override void EndOfBatch() => Flush();
    }

    private sealed class Transport : OutputTransport
    {
        private readonly RecordingSink _sink;
        private readonly OutputContext _context;

        public Transport(RecordingSink sink, OutputContext context)
        {
            _sink = sink;
            _context = context;
        }

        public override void Send(SendBuffer buffer)
        {
            if (_sink.SendDelay > TimeSpan.Zero)
            {
                Thread.Sleep(_sink.SendDelay);
            }

            if (_sink.ThrowOnSend)
            {
                _context.Counters.Sender.ErrorPackets += buffer.PacketCount;
                _context.Counters.Sender.ErrorBytes += buffer.PacketBytes;
                throw new IOException("recording transport told to fail");
            }

            _sink.Append(buffer.Written);
        }

        public override void Close() => _sink.Closed = true;
    }
}

/// <summary>Settings of a recording output: where its bytes go and how its transport behaves.</summary>
internal sealed record RecordingSettings(RecordingSink Sink) : OutputSettings
{
    /// <summary>Bytes per send buffer.</summary>
    public int BufferBytes { get; init; } = 64 * 1024;

    /// <summary>Buffers in flight under the pipeline model.</summary>
    public int PipelineBuffers { get; init; } = 4;
}

/// <summary>What a recording output received, and knobs for its transport.</summary>
internal sealed class RecordingSink
{
    private readonly MemoryStream _bytes = new();

    /// <summary>Sleep this long in every send (a slow output).</summary>
    public TimeSpan SendDelay { get; set; }

    /// <summary>Fail every send (a broken output).</summary>
    public bool ThrowOnSend { get; set; }

    /// <summary>True once the transport was closed.</summary>
    public bool Closed { get; set; }

    /// <summary>Appends sent bytes.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        lock (_bytes)
        {
            _bytes.Write(bytes);
        }
    }

    /// <summary>Everything received so far.</summary>
    public byte[] Bytes()
    {
        lock (_bytes)
        {
            return _bytes.ToArray();
        }
    }

    /// <summary>The records received, decoded.</summary>
    public List<(byte[] Frame, PacketDirection Direction, long TimestampNanos)> Records()
    {
        var list = new List<(byte[], PacketDirection, long)>();
        byte[] b = Bytes();
        int i = 0;
        while (i + 11 <= b.Length)
        {
            int len = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i));
            var dir = (PacketDirection)b[i + 2];
            long ts = BinaryPrimitives.ReadInt64BigEndian(b.AsSpan(i + 3));
            list.Add((b.AsSpan(i + 11, len).ToArray(), dir, ts));
            i += 11 + len;
        }

        return list;
    }
}
