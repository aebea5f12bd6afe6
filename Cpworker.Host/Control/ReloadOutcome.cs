namespace Cpworker.Host.Control;

/// <summary>How a reload requested with <c>"wait": true</c> ended (docs/operations.md, "The protocol").</summary>
/// <param name="Applied">True when the new configuration runs.</param>
/// <param name="Summary">What changed (<c>reload complete: …</c>), or why nothing did.</param>
/// <param name="Errors">Every error that kept the configuration from being applied, as logged.</param>
internal sealed record ReloadOutcome(bool Applied, string Summary, IReadOnlyList<string> Errors);
