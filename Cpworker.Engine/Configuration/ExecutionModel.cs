namespace Cpworker.Engine.Configuration;

/// <summary>How packet work is spread over threads (docs/packet-path.md, "Execution models").</summary>
public enum ExecutionModel
{
    /// <summary>Run to completion: each task's capture thread runs every stage.</summary>
    Rtc,

    /// <summary>Capture, encapsulation and each output's sender run on their own threads, joined by bounded queues.</summary>
    Pipeline,
}
