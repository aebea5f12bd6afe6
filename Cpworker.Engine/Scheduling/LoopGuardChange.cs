namespace Cpworker.Engine.Scheduling;

/// <summary>A loop guard on its way to a capture thread; a box so that "no change" (null) differs from "no guard".</summary>
/// <param name="Guard">The task's new loop guard; null turns it off.</param>
internal sealed record LoopGuardChange(string? Guard);
