using Cpworker.Engine.Outputs;

namespace Cpworker.Engine.Runtime;

/// <summary>One output's identity and counters.</summary>
/// <param name="Name">Output name (<c>&lt;type&gt;-&lt;index&gt;</c>).</param>
/// <param name="Type">Output type.</param>
/// <param name="Counters">Its counters.</param>
public sealed record OutputStatus(string Name, string Type, OutputCounterSnapshot Counters);
