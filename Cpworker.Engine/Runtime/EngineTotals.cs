using Cpworker.Engine.Capture;
using Cpworker.Engine.Outputs;
using Cpworker.Engine.Scheduling;

namespace Cpworker.Engine.Runtime;

/// <summary>The engine's counters summed over all tasks since start (removed tasks included) and its pipeline buffers now.</summary>
/// <param name="Capture">Capture counters of every task.</param>
/// <param name="Outputs">Output counters of every output of every task.</param>
/// <param name="Buffer">Pipeline buffers of the running tasks.</param>
public sealed record EngineTotals(CaptureCounterSnapshot Capture, OutputCounterSnapshot Outputs, PipelineBufferUsage Buffer);
