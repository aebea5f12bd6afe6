namespace Cpworker.Engine.Outputs;

/// <summary>The pieces of one output instance that the scheduler wires together.</summary>
/// <param name="Encoder">Runs on the packet thread.</param>
/// <param name="Transport">Runs on the sender thread (pipeline) or inline (rtc).</param>
/// <param name="BufferBytes">Size of each <see cref="SendBuffer"/>.</param>
/// <param name="MaxMessages">Datagrams per buffer (1 for stream and message outputs).</param>
/// <param name="PipelineBuffers">How many buffers the output may have in flight on a queued lane.</param>
/// <param name="Isolated">
/// True for outputs the engine cannot trust to be fast (plug-ins): the transport runs on its own
/// thread under every model, and when its buffers are full the output drops (counted) rather than
/// hold the task up, even on a replay.
/// </param>
public sealed record OutputParts(
    OutputEncoder Encoder,
    OutputTransport Transport,
    int BufferBytes,
    int MaxMessages = 1,
    int PipelineBuffers = 8,
    bool Isolated = false);
