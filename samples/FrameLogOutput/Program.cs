// FrameLogOutput: an output type written outside cpworker's repository against the public output
// contract of the Cpworker.Engine package, running on the packet path like cpworker's own outputs.
// It replays a capture under both execution models into "frame_log" files and prints, per model,
// the output's counters and the threads its encoder and transport ran on.
// Usage: FrameLogOutput CAPTURE.pcap OUTDIR [PATTERN]
using System.Diagnostics;
using System.Text.Json;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Runtime;

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: FrameLogOutput CAPTURE.pcap OUTDIR [PATTERN]");
    return 2;
}

string pattern = args.Length > 2 ? args[2] : "port 80";
foreach (string model in new[] { "rtc", "pipeline" })
{
    var type = new FrameLogOutputType();
    string file = Path.Combine(Path.GetFullPath(args[1]), $"{model}.framelog");
    var options = new CpworkerEngineOptions().AddOutputType(type);
    await using var engine = CpworkerEngine.FromJson($$"""
        { "execution_model": "{{model}}", "pipeline": { "buffer_size_mb": 8 },
          "tasks": [{ "name": "replay",
                      "req_pattern": { "type": "custom", "custom": { "pattern": {{JsonSerializer.Serialize(pattern)}} } },
                      "capturer": { "type": "pcap_file", "pcap_file": { "file_name": {{JsonSerializer.Serialize(Path.GetFullPath(args[0]))}} } },
                      "outputs": [{ "type": "frame_log", "frame_log": { "path": {{JsonSerializer.Serialize(file)}} } }] }] }
        """, options);
    var clock = Stopwatch.StartNew();
    engine.Start();
    await engine.ReplaysFinished;
    await engine.StopAsync();
    clock.Stop();

    OutputCounterSnapshot c = engine.GetStatus()[0].Outputs[0].Counters;
    Console.WriteLine($"{model}: forwarded {c.ForwardedPackets} bytes {c.ForwardedBytes} errors {c.ErrorDropPackets} direction {c.DirectionDropPackets} " +
                      $"encoder {type.EncoderThread} transport {type.TransportThread} seconds {clock.Elapsed.TotalSeconds:F3}");
}

return 0;
