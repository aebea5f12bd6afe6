// EmbeddedRecorder: replays a capture through the cpworker engine into an in-memory output that
// counts packets per direction, and into a channel output read with await foreach.
// Usage: EmbeddedRecorder CAPTURE.pcap [PATTERN]
using System.Text.Json;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Packets;
using Cpworker.Engine.Runtime;
using Cpworker.Outputs;

if (args.Length < 1)
{
    Console.Error.WriteLine("usage: EmbeddedRecorder CAPTURE.pcap [PATTERN]");
    return 2;
}

string pattern = args.Length > 1 ? args[1] : "port 80";
var counter = new DirectionCounter();
var tap = new PacketChannelOutput(capacity: 4);
var options = new CpworkerEngineOptions().AddStandardOutputs().AddOutput("counter", _ => counter).AddOutput("tap", tap);
await using var engine = CpworkerEngine.FromJson($$"""
    { "tasks": [{ "req_pattern": { "type": "custom", "custom": { "pattern": {{JsonSerializer.Serialize(pattern)}} } },
                  "capturer": { "type": "pcap_file", "pcap_file": { "file_name": {{JsonSerializer.Serialize(args[0])}} } },
                  "outputs": [{ "type": "counter" }, { "type": "tap" }] }] }
    """, options);
engine.Start();
_ = engine.ReplaysFinished.ContinueWith(_ => engine.StopAsync(), TaskScheduler.Default); // the channel completes when the engine stops

long read = 0;
long lastTimestamp = 0;
await foreach (OwnedPacketBatch batch in tap.Reader.ReadAllAsync())
{
    using (batch) // gives the batch back to the output's pool
    {
        foreach (Packet packet in batch)
        {
            read++;
            lastTimestamp = packet.TimestampNanos;
        }
    }
}

await engine.StopAsync();

OutputCounterSnapshot totals = engine.GetStatus()[0].Outputs[0].Counters;
Console.WriteLine($"incoming {counter.Incoming}");
Console.WriteLine($"outgoing {counter.Outgoing}");
Console.WriteLine($"unknown {totals.DirectionDropPackets}");
Console.WriteLine($"channel {read} packets, last at {lastTimestamp} ns");
return 0;

/// <summary>Counts packets per direction. Called on its own thread, one batch at a time.</summary>
internal sealed class DirectionCounter : IPacketOutput
{
    public long Incoming { get; private set; }

    public long Outgoing { get; private set; }

    public void Write(in PacketBatchView batch)
    {
        foreach (Packet packet in batch)
        {
            if (packet.Direction == PacketDirection.Incoming)
            {
                Incoming++;
            }
            else if (packet.Direction == PacketDirection.Outgoing)
            {
                Outgoing++;
            }
        }
    }

    public void Dispose()
    {
    }
}
